#include "requestinfo.h"

#include "httpsyntax.h"

#include <QtCore/QUrl>
#include <QtHttpServer/QHttpServerRequest>

#include <utility>

RequestInfo RequestInfo::from(const QHttpServerRequest &request) {
    RequestInfo info;
    switch (request.method()) {
    case QHttpServerRequest::Method::Get:
        info.method = Method::Get;
        info.methodName = QByteArrayLiteral("GET");
        break;
    case QHttpServerRequest::Method::Post:
        info.method = Method::Post;
        info.methodName = QByteArrayLiteral("POST");
        break;
    case QHttpServerRequest::Method::Head:
        info.method = Method::Head;
        info.methodName = QByteArrayLiteral("HEAD");
        break;
    case QHttpServerRequest::Method::Options:
        info.method = Method::Options;
        info.methodName = QByteArrayLiteral("OPTIONS");
        break;
    default:
        info.method = Method::Other;
        info.methodName = QByteArrayLiteral("OTHER");
        break;
    }
    const QUrl url = request.url();
    info.path = url.path();
    info.query = QueryItems(url);
    // Only the headers the server acts on: each is a hash lookup, where copying every header
    // (QHttpServerRequest::headers() builds a list) cost more than the rest of a poll.
    info.host = request.value("host");
    info.origin = request.value("origin");
    info.contentType = request.value("content-type");
    info.connection = request.value("connection");
    info.userAgent = request.value("user-agent");
    info.lastEventId = request.value("last-event-id");
    info.secFetchSite = request.value("sec-fetch-site");
    info.upgrade = request.value("upgrade");
    info.secWebSocketKey = request.value("sec-websocket-key");
    info.secWebSocketVersion = request.value("sec-websocket-version");
    info.body = request.body();
    return info;
}

namespace {

struct Wanted {
    QByteArrayView name;
    QByteArray RequestInfo::*field;
};

constexpr Wanted wanted[] = {
    {"host", &RequestInfo::host},
    {"origin", &RequestInfo::origin},
    {"content-type", &RequestInfo::contentType},
    {"connection", &RequestInfo::connection},
    {"user-agent", &RequestInfo::userAgent},
    {"last-event-id", &RequestInfo::lastEventId},
    {"sec-fetch-site", &RequestInfo::secFetchSite},
    {"upgrade", &RequestInfo::upgrade},
    {"sec-websocket-key", &RequestInfo::secWebSocketKey},
    {"sec-websocket-version", &RequestInfo::secWebSocketVersion},
};

} // namespace

std::optional<RequestInfo> RequestInfo::fromUpgradeHead(QByteArrayView head) {
    RequestInfo info;
    bool seen[std::size(wanted)] = {};
    bool requestLine = true;
    qsizetype pos = 0;
    while (pos < head.size()) {
        qsizetype end = head.indexOf('\n', pos);
        if (end < 0)
            end = head.size();
        QByteArrayView line = head.sliced(pos, end - pos);
        pos = end + 1;
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.isEmpty()) {
            if (requestLine)
                continue; // empty lines before the request line
            break;
        }
        if (requestLine) { // METHOD SP target SP HTTP/1.x, as RequestFramer checked
            requestLine = false;
            const qsizetype first = line.indexOf(' ');
            const qsizetype last = line.lastIndexOf(' ');
            info.methodName = line.first(first).toByteArray();
            info.method = info.methodName == "GET" ? Method::Get : Method::Other;
            const QUrl url(QString::fromLatin1(line.sliced(first + 1, last - first - 1)));
            info.path = url.path();
            info.query = QueryItems(url);
            info.http10 = line.endsWith("HTTP/1.0");
            continue;
        }
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            return std::nullopt;
        const QByteArrayView name = line.first(colon);
        const QByteArrayView value = line.sliced(colon + 1).trimmed();
        for (std::size_t i = 0; i < std::size(wanted); ++i) {
            if (!HttpSyntax::isHeaderName(name, wanted[i].name))
                continue;
            QByteArray &field = info.*(wanted[i].field);
            const bool list = wanted[i].field == &RequestInfo::connection ||
                              wanted[i].field == &RequestInfo::upgrade;
            if (seen[i] && !list)
                return std::nullopt;
            field = seen[i] ? field + ", " + value.toByteArray() : value.toByteArray();
            seen[i] = true;
        }
    }
    info.headerBytes = head.size();
    return info;
}

std::optional<RequestInfo> RequestInfo::fromSimpleGet(QByteArrayView bytes,
                                                      const QList<QByteArrayView> &paths,
                                                      qsizetype *length) {
    if (!bytes.startsWith("GET /"))
        return std::nullopt;
    // Lines found by their LF (memchr), with the CR before it checked: searching for "\r\n" as
    // a substring cost more than the rest of this parse. A bare LF is left to QHttpServer.
    qsizetype pos = 0;
    const auto nextLine = [&bytes, &pos](QByteArrayView *line) {
        const qsizetype lf = HttpSyntax::find(bytes, '\n', pos);
        if (lf <= pos || bytes[lf - 1] != '\r')
            return false; // incomplete, or a bare LF
        *line = bytes.sliced(pos, lf - 1 - pos);
        pos = lf + 1;
        return true;
    };
    QByteArrayView requestLine;
    if (!nextLine(&requestLine) || !requestLine.endsWith(" HTTP/1.1"))
        return std::nullopt;
    const QByteArrayView target = requestLine.sliced(4, requestLine.size() - 4 - 9);
    for (const char ch : target) {
        // Printable, no spaces, nothing percent-encoded (the fast routes need none).
        if (ch <= ' ' || ch >= 127 || ch == '%' || ch == '#')
            return std::nullopt;
    }
    const qsizetype question = HttpSyntax::find(target, '?');
    const QByteArrayView path = question < 0 ? target : target.first(question);
    if (!paths.contains(path))
        return std::nullopt;

    RequestInfo info;
    info.method = Method::Get;
    info.methodName = QByteArrayLiteral("GET");
    // The same few paths come again and again: the last one's QString is shared, not rebuilt.
    thread_local QByteArray lastPathBytes;
    thread_local QString lastPath;
    if (path != QByteArrayView(lastPathBytes)) {
        lastPathBytes = path.toByteArray();
        lastPath = QString::fromLatin1(path);
    }
    info.path = lastPath;
    if (question >= 0 && question + 1 < target.size())
        info.query = QueryItems::plain(target.sliced(question + 1));
    bool seen[std::size(wanted)] = {};
    bool sawContentLength = false;
    for (;;) {
        QByteArrayView line;
        if (!nextLine(&line))
            return std::nullopt;
        if (line.isEmpty())
            break; // the head's end
        const qsizetype colon = HttpSyntax::find(line, ':');
        if (colon <= 0)
            return std::nullopt; // no name, or a folded continuation line
        const QByteArrayView name = line.first(colon);
        for (const char ch : name) {
            if (!HttpSyntax::isTokenChar(ch))
                return std::nullopt;
        }
        for (const char ch : line) {
            if (HttpSyntax::isControl(ch))
                return std::nullopt; // a control byte (a bare CR among them): the framer's 400
        }
        const QByteArrayView value = line.sliced(colon + 1).trimmed();
        if (HttpSyntax::isHeaderName(name, "content-length")) {
            if (value != "0" || std::exchange(sawContentLength, true))
                return std::nullopt; // a body, or a repeat: the framer's to judge
            continue;
        }
        if (HttpSyntax::isHeaderName(name, "transfer-encoding") ||
            HttpSyntax::isHeaderName(name, "expect") || HttpSyntax::isHeaderName(name, "upgrade"))
            return std::nullopt;
        for (std::size_t i = 0; i < std::size(wanted); ++i) {
            if (!HttpSyntax::isHeaderName(name, wanted[i].name))
                continue;
            if (seen[i])
                return std::nullopt; // repeated: QHttpServer decides how to combine them
            seen[i] = true;
            info.*(wanted[i].field) = value.toByteArray();
        }
    }
    info.headerBytes = pos;
    *length = pos;
    return info;
}
