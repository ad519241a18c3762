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
    info.query = QUrlQuery(url);
    const auto headers = request.headers();
    info.headers.reserve(headers.size());
    for (const auto &h : headers) {
        info.headers.append({h.first.toLower(), h.second});
        info.headerBytes += h.first.size() + h.second.size() + 4;
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
