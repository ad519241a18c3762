#include "ssescanner.h"

namespace PushLab::Bench {

bool SseScanner::feed(std::string_view bytes) {
    while (!bytes.empty()) {
        if (m_lastWasCr && bytes.front() == '\n') {
            bytes.remove_prefix(1); // the LF of a CRLF whose CR ended the previous feed
            m_lastWasCr = false;
            continue;
        }
        m_lastWasCr = false;
        // A plain scan: find_first_of calls memchr on the set for every byte (5 % of the
        // bench's CPU during an SSE fan-out, perf).
        std::size_t end = 0;
        while (end < bytes.size() && bytes[end] != '\n' && bytes[end] != '\r')
            ++end;
        if (end == bytes.size()) {
            m_line.append(bytes);
            return m_line.size() <= maxLineLength;
        }
        if (m_line.empty()) {
            line(bytes.substr(0, end)); // the common case: a whole line in one read, no copy
        } else {
            m_line.append(bytes.substr(0, end));
            line(m_line);
            m_line.clear();
        }
        if (bytes[end] == '\r') {
            if (end + 1 < bytes.size()) {
                bytes.remove_prefix(end + (bytes[end + 1] == '\n' ? 2 : 1));
            } else {
                bytes = {};
                m_lastWasCr = true;
            }
        } else {
            bytes.remove_prefix(end + 1);
        }
    }
    return true;
}

void SseScanner::line(std::string_view text) {
    if (text.empty()) {
        if (m_hasData && m_onEvent)
            m_onEvent(m_type.empty() ? std::string_view("message") : std::string_view(m_type),
                      m_data);
        m_type.clear();
        m_data.clear();
        m_hasData = false;
        return;
    }
    if (text.front() == ':')
        return; // comment (heartbeat)
    const auto colon = text.find(':');
    std::string_view field = text.substr(0, colon);
    std::string_view value;
    if (colon != std::string_view::npos) {
        value = text.substr(colon + 1);
        if (!value.empty() && value.front() == ' ')
            value.remove_prefix(1);
    }
    if (field == "data") {
        if (m_hasData)
            m_data.push_back('\n');
        m_data.append(value);
        m_hasData = true;
    } else if (field == "event") {
        m_type.assign(value);
    }
    // id and retry do not matter to the bench: deliveries are identified by their marker.
}

void SseScanner::reset() {
    m_line.clear();
    m_type.clear();
    m_data.clear();
    m_hasData = false;
    m_lastWasCr = false;
}

} // namespace PushLab::Bench
