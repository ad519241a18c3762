#include "httpresponse.h"

#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>

HttpResponse &HttpResponse::header(const QByteArray &name, const QByteArray &value) {
    m_headers += name + ": " + value + "\r\n";
    return *this;
}

HttpResponse &HttpResponse::body(const QByteArray &contentType, const QByteArray &body) {
    m_contentType = contentType;
    m_body = body;
    m_hasBody = true;
    return *this;
}

HttpResponse &HttpResponse::omitBody(bool omit) {
    m_omitBody = omit;
    return *this;
}

HttpResponse &HttpResponse::closeConnection(bool close) {
    m_close = close;
    return *this;
}

QByteArray HttpResponse::toBytes() const {
    QByteArray out;
    out.reserve(160 + m_body.size());
    out += "HTTP/1.1 " + QByteArray::number(m_status) + ' ' + reasonPhrase(m_status) + "\r\n";
    if (m_hasBody)
        out += "Content-Type: " + m_contentType + "\r\n";
    // 204 and 304 carry no body and no length; everything else says how long it is, so the
    // connection can be reused.
    if (m_status != 204 && m_status != 304)
        out += "Content-Length: " + QByteArray::number(m_body.size()) + "\r\n";
    out += m_headers;
    if (m_close)
        out += "Connection: close\r\n";
    out += "\r\n";
    if (m_hasBody && !m_omitBody)
        out += m_body;
    return out;
}

HttpResponse HttpResponse::json(int status, const QByteArray &json) {
    HttpResponse r(status);
    r.body("application/json", json);
    return r;
}

HttpResponse HttpResponse::error(int status, const QString &message) {
    const QJsonObject object{{QStringLiteral("error"), message}};
    return json(status, QJsonDocument(object).toJson(QJsonDocument::Compact));
}

QByteArray HttpResponse::reasonPhrase(int status) {
    switch (status) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 204:
        return "No Content";
    case 400:
        return "Bad Request";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 413:
        return "Payload Too Large";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    default:
        return "Status";
    }
}
