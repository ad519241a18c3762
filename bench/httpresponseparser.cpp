#include "httpresponseparser.h"

#include <algorithm>
#include <charconv>

namespace PushLab::Bench {

namespace {

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

// ASCII only, as header names are; no locale lookup per character (std::tolower).
char asciiLower(char c) {
    return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c;
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return asciiLower(x) == asciiLower(y);
           });
}

bool containsIgnoreCase(std::string_view haystack, std::string_view needle) {
    if (needle.size() > haystack.size())
        return false;
    for (std::size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
        if (equalsIgnoreCase(haystack.substr(i, needle.size()), needle))
            return true;
    }
    return false;
}

} // namespace

void HttpResponseParser::setHandlers(HeadHandler onHead, BodyHandler onBody,
                                     CompleteHandler onComplete) {
    m_onHead = std::move(onHead);
    m_onBody = std::move(onBody);
    m_onComplete = std::move(onComplete);
}

// Appends to `line` up to and including the next LF; `complete` tells whether one was found.
bool HttpResponseParser::takeLine(std::string_view &data, std::string &line, bool &complete) {
    const auto lf = data.find('\n');
    if (lf == std::string_view::npos) {
        line.append(data);
        data = {};
        complete = false;
    } else {
        line.append(data.substr(0, lf));
        data.remove_prefix(lf + 1);
        complete = true;
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
    }
    return line.size() <= maxLineLength;
}

bool HttpResponseParser::feed(std::string_view data) {
    while (!data.empty()) {
        switch (m_state) {
        case State::StatusLine:
        case State::Header:
        case State::ChunkSize:
        case State::Trailer: {
            bool done = false;
            if (!takeLine(data, m_line, done))
                return false;
            if (!done)
                return true;
            if (!lineEnded(m_line))
                return false;
            m_line.clear();
            break;
        }
        case State::Body:
            if (m_untilClose) {
                if (m_onBody)
                    m_onBody(data);
                data = {};
            } else if (passBody(data)) {
                complete();
            }
            break;
        case State::ChunkData:
            if (passBody(data))
                m_state = State::ChunkDataEnd;
            break;
        case State::ChunkDataEnd: {
            // Chunk data must be followed by CRLF (or a bare LF): anything else is broken framing.
            const char ch = data.front();
            data.remove_prefix(1);
            if (ch == '\n') {
                m_line.clear();
                m_state = State::ChunkSize;
            } else if (ch != '\r' || !m_line.empty()) {
                return false;
            } else {
                m_line = "\r";
            }
            break;
        }
        }
    }
    return true;
}

bool HttpResponseParser::passBody(std::string_view &data) {
    const auto n = static_cast<std::size_t>(
        std::min<std::int64_t>(m_remaining, static_cast<std::int64_t>(data.size())));
    if (m_onBody && n > 0)
        m_onBody(data.substr(0, n));
    data.remove_prefix(n);
    m_remaining -= static_cast<std::int64_t>(n);
    return m_remaining == 0;
}

bool HttpResponseParser::lineEnded(std::string_view line) {
    switch (m_state) {
    case State::StatusLine:
        return line.empty() || statusLine(line); // a stray CRLF between responses is tolerated
    case State::Header:
        return line.empty() ? startBody() : headerLine(line);
    case State::ChunkSize:
        return chunkSize(line);
    case State::Trailer:
        if (line.empty())
            complete();
        return true;
    case State::Body:
    case State::ChunkData:
    case State::ChunkDataEnd:
        break;
    }
    return false;
}

bool HttpResponseParser::statusLine(std::string_view line) {
    // "HTTP/1.1 200 OK"
    if (line.substr(0, 5) != "HTTP/" || line.size() < 12 || line[8] != ' ')
        return false;
    int status = 0;
    const auto res = std::from_chars(line.data() + 9, line.data() + 12, status);
    if (res.ec != std::errc() || status < 100 || status > 999)
        return false;
    m_head = Head{};
    m_head.status = status;
    m_state = State::Header;
    return true;
}

bool HttpResponseParser::chunkSize(std::string_view line) {
    std::string_view sizeText = trimmed(line);
    const auto semicolon = sizeText.find(';');
    if (semicolon != std::string_view::npos)
        sizeText = trimmed(sizeText.substr(0, semicolon));
    std::uint64_t size = 0;
    const auto res = std::from_chars(sizeText.data(), sizeText.data() + sizeText.size(), size, 16);
    if (sizeText.empty() || res.ec != std::errc() || res.ptr != sizeText.data() + sizeText.size() ||
        size > (1ull << 40))
        return false;
    m_remaining = static_cast<std::int64_t>(size);
    m_state = size == 0 ? State::Trailer : State::ChunkData;
    return true;
}

bool HttpResponseParser::headerLine(std::string_view line) {
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0)
        return false;
    const std::string_view name = line.substr(0, colon);
    const std::string_view value = trimmed(line.substr(colon + 1));
    if (equalsIgnoreCase(name, "content-length")) {
        std::int64_t length = -1;
        const auto res = std::from_chars(value.data(), value.data() + value.size(), length);
        if (res.ec != std::errc() || length < 0)
            return false;
        m_head.contentLength = length;
    } else if (equalsIgnoreCase(name, "transfer-encoding")) {
        m_head.chunked = containsIgnoreCase(value, "chunked");
    } else if (equalsIgnoreCase(name, "connection")) {
        m_head.connectionClose = containsIgnoreCase(value, "close");
    } else if (equalsIgnoreCase(name, "content-type")) {
        m_head.contentType = std::string(value);
    } else if (equalsIgnoreCase(name, "last-modified")) {
        m_head.lastModified = std::string(value);
    } else if (equalsIgnoreCase(name, "etag")) {
        m_head.etag = std::string(value);
    }
    return true;
}

bool HttpResponseParser::startBody() {
    const int status = m_head.status;
    if (status == 101) { // Switching Protocols: every byte from here is the new protocol's
        if (m_onHead)
            m_onHead(m_head);
        m_untilClose = true;
        m_state = State::Body;
        return true;
    }
    if (status >= 100 && status < 200) {
        // Interim response (100 Continue): its headers end it; the real one follows.
        m_state = State::StatusLine;
        return true;
    }
    if (m_onHead)
        m_onHead(m_head);
    m_untilClose = false;
    if (status == 204 || status == 304) {
        complete();
    } else if (m_head.chunked) {
        m_state = State::ChunkSize;
    } else if (m_head.contentLength >= 0) {
        m_remaining = m_head.contentLength;
        m_state = State::Body;
        if (m_remaining == 0)
            complete();
    } else {
        m_untilClose = true; // an event stream with no framing: the body ends with the connection
        m_state = State::Body;
    }
    return true;
}

void HttpResponseParser::complete() {
    m_state = State::StatusLine;
    m_line.clear();
    m_untilClose = false;
    if (m_onComplete)
        m_onComplete();
}

bool HttpResponseParser::finish() {
    if (m_state == State::Body && m_untilClose) {
        complete();
        return true;
    }
    return m_state == State::StatusLine && m_line.empty();
}

} // namespace PushLab::Bench
