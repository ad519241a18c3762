#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QList>
#include <QtCore/QPair>
#include <QtCore/QString>

#include "queryitems.h"

#include <optional>

class QHttpServerRequest;

// What the server needs of one request, copied out of QHttpServerRequest: the socket reuses
// that object for its next request, and a request queued behind a waiting long poll must
// survive until its turn.
struct RequestInfo {
    enum class Method { Get, Post, Head, Options, Other };

    Method method = Method::Other;
    QByteArray methodName;
    QString path;
    QueryItems query;
    // The few headers the server acts on (empty when absent).
    QByteArray host;
    QByteArray origin;
    QByteArray contentType;
    QByteArray connection;
    QByteArray userAgent;
    QByteArray lastEventId;
    QByteArray secFetchSite; // a browser says whether the request comes from another site
    QByteArray upgrade;      // and the WebSocket handshake's (RFC 6455 §4.1)
    QByteArray secWebSocketKey;
    QByteArray secWebSocketVersion;
    QByteArray body;
    qint64 headerBytes = 0; // request line and headers, as counted on the socket
    bool http10 = false;    // an HTTP/1.0 request (QHttpServerRequest 6.4 does not say)

    static RequestInfo from(const QHttpServerRequest &request);

    // The fast path's parser: a complete, plain HTTP/1.1 GET of one of `paths` with no body,
    // read straight from the socket. Anything else — another method or version, a request
    // not complete in `bytes`, a body, an encoded or absolute target, folded or repeated
    // headers the server reads, Expect or Upgrade — is nullopt and goes to QHttpServer. What
    // it takes, RequestFramer::checkHead passes too (fuzz_requestinfo holds it to that), so
    // the fast path does not parse the head a second time.
    // On success *length is the request's size in bytes.
    // A WebSocket upgrade's head, which RequestFramer has checked (and QHttpServer never sees).
    // Nullopt when a header the server reads is repeated (Connection and Upgrade may be).
    static std::optional<RequestInfo> fromUpgradeHead(QByteArrayView head);

    static std::optional<RequestInfo>
    fromSimpleGet(QByteArrayView bytes, const QList<QByteArrayView> &paths, qsizetype *length);
};
