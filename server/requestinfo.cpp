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
    info.host = request.value("host");
    info.origin = request.value("origin");
    info.contentType = request.value("content-type");
    info.connection = request.value("connection");
    info.userAgent = request.value("user-agent");
    info.lastEventId = request.value("last-event-id");
    info.body = request.body();
    return info;
}
