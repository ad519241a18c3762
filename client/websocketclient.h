#pragma once

#include "patternclient.h"
#include "wirecontract.h"

class QTimer;
class QWebSocket;

// WebSocket (RFC 6455) with Qt WebSockets: one connection to /api/ws, each message one text
// frame. The protocol has no reconnection and no resume of its own (the browser's WebSocket
// API has neither): this client does both, as the page does, reconnecting after
// reconnectDelayMs() with ?since=<the last id it received>, so nothing is lost in between.
// Liveness is its own pings: no frame and no pong for Wire::missedHeartbeatsBeforeDead
// heartbeat intervals and the connection is presumed dead.
class WebSocketClient final : public PatternClient {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WebSocketClient)

public:
    static constexpr int defaultReconnectDelayMs = PushLab::Wire::retryDefaultMs;

    explicit WebSocketClient(QObject *parent = nullptr);
    ~WebSocketClient() override;

    // ws://<baseUrl's host and port><prefix>/api/ws (wss:// for an https base).
    QUrl socketUrl() const;
    int reconnectDelayMs() const {
        return m_reconnectMs > 0 ? m_reconnectMs : defaultReconnectDelayMs;
    }
    // 0 = defaultReconnectDelayMs.
    void setReconnectDelayMs(int ms) { m_reconnectMs = qMax(0, ms); }
    // Ping interval; the connection is presumed dead after missedHeartbeatsBeforeDead of them.
    void setPingIntervalMs(int ms);
    int pingIntervalMs() const;
    // The last message id received: the next connection resumes after it (0 = from now).
    quint64 lastId() const { return m_lastId; }
    void setLastId(quint64 id) { m_lastId = id; }
    bool isConnected() const { return m_open; }

protected:
    void startClient() override;
    void stopClient() override;

private:
    void connectSocket();
    void onConnected();
    void onText(const QString &text);
    void onDisconnected();
    void onPing();
    // No frame and no pong for this long: the connection is presumed dead.
    qint64 deadAfterMs() const;

    QWebSocket *m_socket = nullptr;     // child of this
    QTimer *m_reconnectTimer = nullptr; // child of this
    QTimer *m_pingTimer = nullptr;      // child of this
    int m_reconnectMs = 0;
    quint64 m_lastId = 0;
    quint64 m_requestId = 0;
    qint64 m_lastHeardMs = 0;
    bool m_open = false;
};
