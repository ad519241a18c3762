#include "requestframer.h"

#include "httpsyntax.h"
#include "wirecontract.h"

using HttpSyntax::isControl;
using HttpSyntax::isToken;

namespace {

constexpr qsizetype maxChunkLine = 1024;

bool isHex(char ch) {
    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

bool isDigits(QByteArrayView s) {
    if (s.isEmpty())
        return false;
    for (const char ch : s) {
        if (ch < '0' || ch > '9')
            return false;
    }
    return true;
}

// RFC 9110 §9: methods are case-sensitive; these are the ones a server may recognise. Any
// other (including "get") is not implemented here: 501.
bool isKnownMethod(QByteArrayView m) {
    static const QByteArrayView known[] = {"GET",     "HEAD",    "POST",  "PUT",  "DELETE",
                                           "CONNECT", "OPTIONS", "TRACE", "PATCH"};
    for (const QByteArrayView k : known) {
        if (m == k)
            return true;
    }
    return false;
}

// Splits `head` into lines ending in LF (a CR before it is dropped). False when a CR stands
// alone anywhere.
template <typename F> bool forEachLine(QByteArrayView head, F &&f) {
    qsizetype pos = 0;
    while (pos < head.size()) {
        qsizetype end = HttpSyntax::find(head, '\n', pos);
        if (end < 0)
            end = head.size();
        QByteArrayView line = head.sliced(pos, end - pos);
        if (line.endsWith('\r'))
            line.chop(1);
        if (HttpSyntax::find(line, '\r') >= 0)
            return false;
        if (!f(line))
            return true;
        pos = end + 1;
    }
    return true;
}

using Problem = RequestFramer::Problem;

Problem problem(int status, const char *message) {
    return Problem{status, QString::fromLatin1(message)};
}

std::optional<Problem> checkRequestLine(QByteArrayView line, bool *http10) {
    const qsizetype first = HttpSyntax::find(line, ' ');
    const qsizetype last = line.lastIndexOf(' ');
    if (first <= 0 || last == first)
        return problem(400, "The request line must be: METHOD SP target SP HTTP/1.1.");
    const QByteArrayView method = line.first(first);
    const QByteArrayView target = line.sliced(first + 1, last - first - 1);
    const QByteArrayView version = line.sliced(last + 1);
    if (!isToken(method))
        return problem(400, "The request method is not a token.");
    if (target.isEmpty() || HttpSyntax::find(target, ' ') >= 0)
        return problem(400, "The request line must be: METHOD SP target SP HTTP/1.1.");
    for (qsizetype i = 0; i < target.size(); ++i) {
        const char ch = target[i];
        if (isControl(ch) || ch == '\t' || static_cast<unsigned char>(ch) >= 0x80)
            return problem(400, "The request target has a byte that is not allowed there.");
        if (ch == '%' && (i + 2 >= target.size() || !isHex(target[i + 1]) || !isHex(target[i + 2])))
            return problem(400, "The request target has a malformed percent-encoding.");
    }
    if (!target.startsWith('/') && !(target == "*" && method == "OPTIONS") &&
        !target.startsWith("http://") && !target.startsWith("https://"))
        return problem(400, "The request target must be a path (/...).");
    if (version.size() != 8 || !version.startsWith("HTTP/") || version[6] != '.' ||
        !isDigits(version.sliced(5, 1)) || !isDigits(version.sliced(7, 1)))
        return problem(400, "The request line must end in HTTP/1.1 (or HTTP/1.0).");
    if (version != "HTTP/1.1" && version != "HTTP/1.0")
        return Problem{505, QStringLiteral("HTTP version %1 is not supported; use HTTP/1.1.")
                                .arg(QString::fromLatin1(version.sliced(5)))};
    if (!isKnownMethod(method))
        return Problem{
            501, QStringLiteral("The method %1 is not implemented.")
                     .arg(QString::fromLatin1(method.first(qMin<qsizetype>(32, method.size()))))};
    *http10 = version == "HTTP/1.0";
    return std::nullopt;
}

// One header line: name ":" OWS value OWS. `name`/`value` are set when it is well formed.
std::optional<Problem> checkField(QByteArrayView line, QByteArrayView *name,
                                  QByteArrayView *value) {
    if (line.startsWith(' ') || line.startsWith('\t'))
        return problem(400, "A folded header line (obs-fold) is not accepted.");
    const qsizetype colon = HttpSyntax::find(line, ':');
    if (colon <= 0)
        return problem(400, "A header line has no name and colon.");
    *name = line.first(colon);
    if (name->endsWith(' ') || name->endsWith('\t'))
        return problem(400, "Whitespace between a header name and its colon is not allowed.");
    if (!isToken(*name))
        return problem(400, "A header name is not a token.");
    *value = line.sliced(colon + 1).trimmed();
    for (const char ch : *value) {
        if (isControl(ch))
            return problem(400, "A header value has a control byte.");
    }
    return std::nullopt;
}

} // namespace

std::variant<RequestFramer::Head, RequestFramer::Problem>
RequestFramer::checkHead(QByteArrayView head) {
    Head h;
    std::optional<Problem> found;
    bool requestLine = true;
    int contentLengths = 0;
    int transferEncodings = 0;
    bool sawUpgrade = false;
    QByteArrayView coding;
    QByteArrayView targetPath;
    const bool clean = forEachLine(head, [&](QByteArrayView line) {
        if (requestLine) {
            if (line.isEmpty())
                return true; // empty lines before a request line are allowed (§2.2)
            requestLine = false;
            found = checkRequestLine(line, &h.http10);
            if (!found) { // the target's path, for an upgrade
                const qsizetype first = line.indexOf(' ');
                targetPath = line.sliced(first + 1, line.lastIndexOf(' ') - first - 1);
                if (const qsizetype q = targetPath.indexOf('?'); q >= 0)
                    targetPath = targetPath.first(q);
            }
            return !found;
        }
        if (line.isEmpty())
            return false; // the end of the head
        QByteArrayView name;
        QByteArrayView value;
        found = checkField(line, &name, &value);
        if (found)
            return false;
        if (HttpSyntax::isHeaderName(name, "content-length")) {
            ++contentLengths;
            if (!isDigits(value) || value.size() > 15) {
                found = problem(400, "Content-Length must be a number of bytes.");
                return false;
            }
            h.contentLength = value.toLongLong();
        } else if (HttpSyntax::isHeaderName(name, "transfer-encoding")) {
            ++transferEncodings;
            coding = value;
        } else if (HttpSyntax::isHeaderName(name, "upgrade")) {
            sawUpgrade = true;
        }
        return true;
    });
    if (!clean)
        return problem(400, "A bare CR is not allowed in a request head.");
    if (found)
        return *found;
    if (requestLine)
        return problem(400, "The request has no request line.");
    if (contentLengths > 1)
        return problem(400, "Content-Length is given more than once.");
    if (transferEncodings > 0) {
        if (contentLengths > 0)
            return problem(400, "Content-Length and Transfer-Encoding together are ambiguous.");
        if (h.http10)
            return problem(400, "Transfer-Encoding is not allowed in an HTTP/1.0 request.");
        if (transferEncodings > 1 || coding.compare("chunked", Qt::CaseInsensitive) != 0)
            return Problem{
                501,
                QStringLiteral("Transfer-Encoding %1 is not supported (only chunked).")
                    .arg(QString::fromLatin1(coding.first(qMin<qsizetype>(40, coding.size()))))};
        h.chunked = true;
    }
    if (sawUpgrade) {
        // Only to a WebSocket, and never through QHttpServer: 6.4 would answer a second time
        // after us (or take the socket from under us). PushServer hands this head to its
        // WebSocketService; every other upgrade is refused.
        if (targetPath != QByteArrayView(PushLab::Wire::webSocketPath))
            return problem(501, "Protocol upgrades are not offered by this server.");
        if (h.contentLength > 0 || h.chunked)
            return problem(400, "An upgrade request has no body.");
        h.upgrade = true;
    }
    return h;
}

bool RequestFramer::takeHttp10() {
    if (m_heads.isEmpty())
        return false;
    const bool http10 = m_heads.front() == '1';
    m_heads.remove(0, 1);
    return http10;
}

std::optional<RequestFramer::Problem> RequestFramer::fail(int status, const QString &message) {
    m_state = State::Failed;
    m_pending.clear();
    return Problem{status, message};
}

std::optional<RequestFramer::Problem> RequestFramer::takeLine(QByteArrayView line) {
    // A chunk-size line, the CRLF after a chunk's data, or a trailer line (without its LF).
    if (line.endsWith('\r'))
        line.chop(1);
    if (line.contains('\r'))
        return fail(400, QStringLiteral("A bare CR is not allowed in a chunked body."));
    switch (m_state) {
    case State::ChunkSize: {
        qsizetype digits = 0;
        while (digits < line.size() && isHex(line[digits]))
            ++digits;
        const QByteArrayView rest = line.sliced(digits).trimmed();
        if (digits == 0 || digits > 8 || (!rest.isEmpty() && !rest.startsWith(';')))
            return fail(400, QStringLiteral("A chunk size must be hexadecimal digits."));
        for (const char ch : rest) {
            if (isControl(ch))
                return fail(400, QStringLiteral("A chunk extension has a control byte."));
        }
        m_remaining = line.first(digits).toLongLong(nullptr, 16);
        m_state = m_remaining == 0 ? State::Trailers : State::ChunkData;
        return std::nullopt;
    }
    case State::ChunkDataEnd:
        if (!line.isEmpty())
            return fail(400, QStringLiteral("A chunk's data must end with CRLF."));
        m_state = State::ChunkSize;
        return std::nullopt;
    case State::Trailers: {
        if (line.isEmpty()) {
            m_state = State::Head; // the request is complete
            return std::nullopt;
        }
        QByteArrayView name;
        QByteArrayView value;
        if (auto p = checkField(line, &name, &value))
            return fail(p->status, p->message);
        return std::nullopt;
    }
    case State::Head:
    case State::Body:
    case State::ChunkData:
    case State::Failed:
    case State::Upgraded:
        break;
    }
    return std::nullopt;
}

std::optional<RequestFramer::Problem> RequestFramer::feed(QByteArrayView bytes) {
    qsizetype pos = 0;
    while (pos < bytes.size()) {
        switch (m_state) {
        case State::Failed:
            return Problem{400, QStringLiteral("The connection's framing already failed.")};
        case State::Upgraded:
            return std::nullopt;
        case State::Head: {
            if (m_pending.isEmpty()) { // empty lines before a request line are skipped
                while (pos < bytes.size() && (bytes[pos] == '\r' || bytes[pos] == '\n'))
                    ++pos;
                if (pos == bytes.size())
                    return std::nullopt;
            }
            // The head ends at the first empty line: LF LF, with or without CRs.
            const qsizetype searchFrom = qMax<qsizetype>(0, m_pending.size() - 3);
            m_pending.append(bytes.sliced(pos));
            qsizetype end = -1;
            qsizetype headLength = 0;
            for (qsizetype i = qMax<qsizetype>(1, searchFrom); i < m_pending.size(); ++i) {
                if (m_pending[i] != '\n')
                    continue;
                if (m_pending[i - 1] == '\n') {
                    end = i;
                    break;
                }
                if (i >= 2 && m_pending[i - 1] == '\r' && m_pending[i - 2] == '\n') {
                    end = i;
                    break;
                }
            }
            if (end < 0) {
                if (m_pending.size() > m_maxHeadBytes)
                    return fail(431, QStringLiteral("The request headers are larger than %1 bytes.")
                                         .arg(m_maxHeadBytes));
                return std::nullopt; // the rest of the head is still to come
            }
            headLength = end + 1;
            if (headLength > m_maxHeadBytes)
                return fail(431, QStringLiteral("The request headers are larger than %1 bytes.")
                                     .arg(m_maxHeadBytes));
            const auto checked = checkHead(QByteArrayView(m_pending).first(headLength));
            if (const auto *p = std::get_if<Problem>(&checked))
                return fail(p->status, p->message);
            const Head &h = std::get<Head>(checked);
            if (h.upgrade) { // what follows is the WebSocket's, not HTTP
                m_state = State::Upgraded;
                m_afterUpgradeHead = m_pending.size() - headLength;
                m_pending.truncate(headLength);
                return std::nullopt;
            }
            m_heads.append(h.http10 ? '1' : '0');
            // What followed the head in m_pending belongs to the body (or the next request).
            const qsizetype consumedOfBytes =
                headLength - (m_pending.size() - (bytes.size() - pos));
            pos += consumedOfBytes;
            m_pending.clear();
            if (h.chunked) {
                m_state = State::ChunkSize;
            } else if (h.contentLength > 0) {
                m_state = State::Body;
                m_remaining = h.contentLength;
            }
            break;
        }
        case State::Body:
        case State::ChunkData: {
            const qsizetype take = qsizetype(qMin<qint64>(m_remaining, bytes.size() - pos));
            pos += take;
            m_remaining -= take;
            if (m_remaining == 0)
                m_state = m_state == State::Body ? State::Head : State::ChunkDataEnd;
            break;
        }
        case State::ChunkSize:
        case State::ChunkDataEnd:
        case State::Trailers: {
            const qsizetype lf = bytes.indexOf('\n', pos);
            const qsizetype end = lf < 0 ? bytes.size() : lf;
            m_pending.append(bytes.sliced(pos, end - pos));
            pos = lf < 0 ? bytes.size() : lf + 1;
            if (m_pending.size() > (m_state == State::Trailers ? m_maxHeadBytes : maxChunkLine))
                return fail(400, QStringLiteral("A line of the chunked body is too long."));
            if (lf < 0)
                return std::nullopt;
            const QByteArray line = std::exchange(m_pending, {});
            if (auto p = takeLine(line))
                return p;
            break;
        }
        }
    }
    return std::nullopt;
}
