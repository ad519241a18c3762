#include "websocketclient.h"

#include "clock.h"
#include "wireformat.h"

#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QLoggingCategory>
#include <QtCore/QRegularExpression>
#include <QtCore/QTimer>
#include <QtNetwork/QNetworkRequest>
#include <QtWebSockets/QWebSocket>

Q_LOGGING_CATEGORY(lcClientWs, "pushlab.client.ws", QtInfoMsg)

namespace {

// A server's frame as it was on the wire: the header (unmasked, 2, 4 or 10 bytes) and payload.
qint64 frameBytes(qint64 payload) {
    return payload + (payload < 126 ? 2 : payload <= 0xFFFF ? 4 : 10);
}

// Qt 6.4 says why a handshake failed only in words; a 4xx there means this server will never
// take us (403 another origin, 426 not a WebSocket endpoint...). 0 when it names no status.
int handshakeStatus(const QString &errorString) {
    static const QRegularExpression status(QStringLiteral("status code: (\\d{3})"));
    const QRegularExpressionMatch m = status.match(errorString);
    return m.hasMatch() ? m.captured(1).toInt() : 0;
}

} // namespace

WebSocketClient::WebSocketClient(QObject *parent)
    : PatternClient(PushLab::Pattern::WebSocket, parent)
    , m_socket(new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this))
    , m_reconnectTimer(new QTimer(this))
    , m_pingTimer(new QTimer(this)) {
    m_reconnectTimer->setSingleShot(true);
    connect(m_reconnectTimer, &QTimer::timeout, this, &WebSocketClient::connectSocket);
    m_pingTimer->setInterval(PushLab::Wire::heartbeatDefaultMs);
    connect(m_pingTimer, &QTimer::timeout, this, &WebSocketClient::onPing);
    connect(m_socket, &QWebSocket::connected, this, &WebSocketClient::onConnected);
    connect(m_socket, &QWebSocket::disconnected, this, &WebSocketClient::onDisconnected);
    connect(m_socket, &QWebSocket::textMessageReceived, this, &WebSocketClient::onText);
    // A connection that never opens may end with error() alone (6.4's name for the signal).
    connect(m_socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this, [this] {
        if (m_socket->state() == QAbstractSocket::UnconnectedState)
            onDisconnected();
    });
    connect(m_socket, &QWebSocket::pong, this, [this] { m_lastHeardMs = PushLab::monotonicMs(); });
}

WebSocketClient::~WebSocketClient() {
    m_socket->disconnect(this);
    m_socket->abort();
}

QUrl WebSocketClient::socketUrl() const {
    QUrl url = apiUrl(QString::fromLatin1(PushLab::Wire::webSocketPath));
    url.setScheme(url.scheme() == QLatin1String("https") ? QStringLiteral("wss")
                                                         : QStringLiteral("ws"));
    return url;
}

void WebSocketClient::setPingIntervalMs(int ms) {
    m_pingTimer->setInterval(
        qBound(PushLab::Wire::heartbeatMinMs, ms, PushLab::Wire::heartbeatMaxMs));
}

int WebSocketClient::pingIntervalMs() const {
    return m_pingTimer->interval();
}

void WebSocketClient::startClient() {
    connectSocket();
}

void WebSocketClient::stopClient() {
    m_reconnectTimer->stop();
    m_pingTimer->stop();
    m_requestId = 0; // what the socket says from now on is not news
    m_open = false;
    m_socket->abort();
    // As the other clients: started again, it watches from "now".
    m_lastId = 0;
}

void WebSocketClient::connectSocket() {
    if (!isRunning() || m_socket->state() != QAbstractSocket::UnconnectedState)
        return;
    QUrl url = socketUrl();
    if (m_lastId > 0)
        url.setQuery(QStringLiteral("since=%1").arg(m_lastId));
    m_requestId = nextRequestId();
    m_open = false;
    m_socket->open(makeRequest(url));
    TrafficEvent event = makeEvent(TrafficEvent::Kind::RequestSent);
    event.requestId = m_requestId;
    event.url = url.toString();
    event.lastEventId = m_lastId > 0 ? QString::number(m_lastId) : QString();
    emitEvent(event);
}

void WebSocketClient::onConnected() {
    if (m_requestId == 0)
        return;
    m_open = true;
    m_lastHeardMs = PushLab::monotonicMs();
    m_pingTimer->start();
    TrafficEvent event = makeEvent(TrafficEvent::Kind::StreamOpened);
    event.requestId = m_requestId;
    event.status = 101;
    event.lastEventId = m_lastId > 0 ? QString::number(m_lastId) : QString();
    emitEvent(event);
}

void WebSocketClient::onText(const QString &text) {
    if (m_requestId == 0)
        return;
    m_lastHeardMs = PushLab::monotonicMs();
    const QByteArray utf8 = text.toUtf8();
    TrafficEvent event = makeEvent(TrafficEvent::Kind::EventReceived);
    event.requestId = m_requestId;
    event.status = 101;
    event.bytes = frameBytes(utf8.size());
    event.data = text;
    const QJsonObject object = QJsonDocument::fromJson(utf8).object();
    const QJsonValue gap = object.value(QLatin1String(PushLab::Wire::Key::gap));
    if (gap.isObject()) {
        event.eventType = QString::fromLatin1(PushLab::Wire::gapEvent);
        if (const auto g = PushLab::Wire::gapFromJson(gap.toObject()))
            PushLab::Wire::applyGap(event, *g);
    } else {
        event.eventType = QString::fromLatin1(PushLab::Wire::messageEvent);
        if (auto message = PushLab::Wire::messageFromJson(object)) {
            m_lastId = qMax(m_lastId, message->id);
            event.messages.append(std::move(*message));
        } else {
            event.kind = TrafficEvent::Kind::Error;
            event.detail = QStringLiteral("a text frame that is not message JSON");
        }
    }
    event.lastEventId = m_lastId > 0 ? QString::number(m_lastId) : QString();
    emitEvent(event);
}

qint64 WebSocketClient::deadAfterMs() const {
    return qint64(m_pingTimer->interval()) * PushLab::Wire::missedHeartbeatsBeforeDead;
}

void WebSocketClient::onPing() {
    if (PushLab::monotonicMs() - m_lastHeardMs > deadAfterMs()) {
        qCDebug(lcClientWs) << "no frame and no pong for" << deadAfterMs() << "ms";
        m_socket->abort(); // disconnected: reconnects (the reason is said there)
        return;
    }
    m_socket->ping();
}

void WebSocketClient::onDisconnected() {
    if (m_requestId == 0 || !isRunning() || m_reconnectTimer->isActive())
        return; // stopped, or this end was reported already (error, then disconnected)
    m_pingTimer->stop();
    const bool wasOpen = std::exchange(m_open, false);
    const auto code = m_socket->closeCode();
    const QString reason = m_socket->closeReason();
    QString why;
    bool isError = true;
    if (!wasOpen) {
        why = m_socket->errorString();
        if (const int status = handshakeStatus(why); status >= 400 && status < 500) {
            TrafficEvent error = makeEvent(TrafficEvent::Kind::Error);
            error.requestId = std::exchange(m_requestId, 0);
            error.status = status;
            error.detail = QStringLiteral("HTTP %1: the server refused the WebSocket").arg(status);
            emitEvent(error);
            stopForGood(error.detail);
            return;
        }
    } else if (PushLab::monotonicMs() - m_lastHeardMs > deadAfterMs()) {
        why = QStringLiteral("no frame and no pong for %1 ms: connection presumed dead")
                  .arg(deadAfterMs());
    } else if (code == QWebSocketProtocol::CloseCodeNormal ||
               code == QWebSocketProtocol::CloseCodeGoingAway) {
        why = QStringLiteral("the server closed the connection (%1)").arg(int(code));
        isError = false;
    } else {
        why = QStringLiteral("closed with code %1%2")
                  .arg(int(code))
                  .arg(reason.isEmpty() ? QString() : QStringLiteral(": ") + reason);
    }
    const QString lastId = m_lastId > 0 ? QString::number(m_lastId) : QString();
    if (isError) {
        TrafficEvent error = makeEvent(TrafficEvent::Kind::Error);
        error.requestId = m_requestId;
        error.detail = why;
        error.lastEventId = lastId;
        emitEvent(error);
    }
    TrafficEvent event = makeEvent(TrafficEvent::Kind::ReconnectScheduled);
    event.requestId = m_requestId;
    event.delayMs = reconnectDelayMs();
    event.detail = why;
    event.lastEventId = lastId;
    emitEvent(event);
    m_reconnectTimer->start(reconnectDelayMs());
}
