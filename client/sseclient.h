#pragma once

#include "eventstreamparser.h"
#include "patternclient.h"
#include "wirecontract.h"

#include <QtCore/QPointer>

class QTimer;

// Server-Sent Events: one never-ending GET with Accept: text/event-stream. A dropped
// connection is re-established after the reconnection time with Last-Event-ID; 204, a status
// other than 200 or a Content-Type other than text/event-stream stop it for good (WHATWG).
// Silence longer than silenceTimeoutMs (3 missed 15 s heartbeats) counts as a dead connection.
class SseClient final : public PatternClient {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SseClient)

public:
    static constexpr int defaultReconnectDelayMs = PushLab::Wire::retryDefaultMs;
    static constexpr int defaultSilenceTimeoutMs =
        PushLab::Wire::heartbeatDefaultMs * PushLab::Wire::missedHeartbeatsBeforeDead;

    explicit SseClient(QObject *parent = nullptr);
    ~SseClient() override;

    // Any event-stream URL; empty (the default) = baseUrl + /api/events.
    void setStreamUrl(const QUrl &url);
    QUrl streamUrl() const { return m_streamUrl; }
    QUrl effectiveStreamUrl() const;

    // The server's retry: (defaultReconnectDelayMs before it sends one), unless overridden.
    int reconnectDelayMs() const;
    // 0 = use the server's.
    void setReconnectDelayOverrideMs(int ms);
    int reconnectDelayOverrideMs() const { return m_reconnectOverrideMs; }

    int silenceTimeoutMs() const { return m_silenceTimeoutMs; }
    void setSilenceTimeoutMs(int ms);

    // The id sent as Last-Event-ID on the next connection.
    QString lastEventId() const { return m_parser.lastEventId(); }
    // Resume from a known id (before start(), or for the next reconnection). stop() forgets it.
    void setLastEventId(const QString &id) { m_parser.setLastEventId(id); }
    bool isConnected() const { return m_streamOpen; }

protected:
    void startClient() override;
    void stopClient() override;

private:
    void connectStream();
    bool checkHeaders(QNetworkReply *reply); // false: the reply was refused and the client stopped
    void onReadyRead(QNetworkReply *reply);
    void onFinished(QNetworkReply *reply);
    void onSilence();
    void connectionLost(const QString &why, int status, bool isError);
    void reportEvent(const ServerSentEvent &event);

    QUrl m_streamUrl;
    int m_reconnectOverrideMs = 0;
    int m_silenceTimeoutMs = defaultSilenceTimeoutMs;
    EventStreamParser m_parser;
    QPointer<QNetworkReply> m_reply;
    quint64 m_requestId = 0;
    bool m_streamOpen = false;
    QTimer *m_reconnectTimer = nullptr; // child of this
    QTimer *m_silenceTimer = nullptr;   // child of this
};
