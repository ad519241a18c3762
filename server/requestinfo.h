#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QList>
#include <QtCore/QPair>
#include <QtCore/QString>
#include <QtCore/QUrlQuery>

class QHttpServerRequest;

// What the server needs of one request, copied out of QHttpServerRequest: the socket reuses
// that object for its next request, and a request queued behind a waiting long poll must
// survive until its turn.
struct RequestInfo {
    enum class Method { Get, Post, Head, Options, Other };

    Method method = Method::Other;
    QByteArray methodName;
    QString path;
    QUrlQuery query;
    // The few headers the server acts on (empty when absent).
    QByteArray host;
    QByteArray origin;
    QByteArray contentType;
    QByteArray connection;
    QByteArray userAgent;
    QByteArray lastEventId;
    QByteArray body;
    qint64 headerBytes = 0; // request line and headers, as counted on the socket

    static RequestInfo from(const QHttpServerRequest &request);
};
