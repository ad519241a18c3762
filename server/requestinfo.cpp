#include "requestinfo.h"

#include <QtHttpServer/QHttpServerRequest>

RequestInfo RequestInfo::from(const QHttpServerRequest &request) {
    RequestInfo info;
    switch (request.method()) {
    case QHttpServerRequest::Method::Get:
        info.method = Method::Get;
        info.methodName = "GET";
        break;
    case QHttpServerRequest::Method::Post:
        info.method = Method::Post;
        info.methodName = "POST";
        break;
    case QHttpServerRequest::Method::Head:
        info.method = Method::Head;
        info.methodName = "HEAD";
        break;
    case QHttpServerRequest::Method::Options:
        info.method = Method::Options;
        info.methodName = "OPTIONS";
        break;
    default:
        info.method = Method::Other;
        info.methodName = "OTHER";
        break;
    }
    const QUrl url = request.url();
    info.path = url.path();
    if (url.hasQuery())
        info.query = QUrlQuery(url);
    // Only the headers the server acts on: each is a hash lookup, where copying every header
    // (QHttpServerRequest::headers() builds a list) cost more than the rest of a poll.
    static const QByteArray wanted[] = {"host",       "origin",     "content-type",
                                        "connection", "user-agent", "last-event-id"};
    for (const QByteArray &name : wanted) {
        QByteArray value = request.value(name);
        if (!value.isEmpty())
            info.headers.append({name, std::move(value)});
    }
    info.body = request.body();
    return info;
}

QByteArray RequestInfo::header(const QByteArray &lowerCaseName) const {
    for (const auto &h : headers) {
        if (h.first == lowerCaseName)
            return h.second;
    }
    return {};
}
