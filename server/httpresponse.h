#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QList>
#include <QtCore/QPair>
#include <QtCore/QString>

// Raw HTTP/1.1 responses, built as one buffer and written straight to the socket. We write
// the bytes ourselves because QHttpServerResponder 6.4 takes headers only as an
// initializer_list and cannot express a HEAD answer without a body.
class HttpResponse final {
public:
    explicit HttpResponse(int status)
        : m_status(status) {}

    HttpResponse &header(const QByteArray &name, const QByteArray &value);
    HttpResponse &body(const QByteArray &contentType, const QByteArray &body);
    // Send the headers (with the body's Content-Length) but not the body: HEAD.
    HttpResponse &omitBody(bool omit = true);
    HttpResponse &closeConnection(bool close = true);

    int status() const { return m_status; }
    bool closesConnection() const { return m_close; }
    QByteArray toBytes() const;

    static HttpResponse json(int status, const QByteArray &json);
    static HttpResponse error(int status, const QString &message);
    static QByteArray reasonPhrase(int status);

private:
    int m_status = 200;
    QByteArray m_headers; // "Name: value\r\n" lines, in order
    QByteArray m_contentType;
    QByteArray m_body;
    bool m_hasBody = false;
    bool m_omitBody = false;
    bool m_close = false;
};
