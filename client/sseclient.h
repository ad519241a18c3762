#pragma once

#include "eventstreamparser.h"
#include "patternclient.h"
#include "wirecontract.h"

#include <QtCore/QPointer>

class QTimer;

// Server-Sent Events: one never-ending GET with Accept: text/event-stream. A dropped
// connection is re-established after the reconnection time with Last-Event-ID; 204, a status
// other than 200 or a Content-Type other than text/event-stream stop it for good (WHATWG).
// Silence longer than silenceTimeoutMs() counts as a dead connection: by default that is
// Wire::missedHeartbeatsBeforeDead of the heartbeat intervals the stream announces
// (X-Heartbeat-Interval), so a server started with a long --heartbeat is not taken for dead.
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

    // The limit in force: an explicit one if set; else missedHeartbeatsBeforeDead times the
    // heartbeat the current stream announced, or, before or without an announcement, times
    // assumedHeartbeatMs().
    int silenceTimeoutMs() const;
    // An explicit limit that overrides any announcement; 0 (the default) derives it.
    void setSilenceTimeoutMs(int ms);
    // The heartbeat presumed for a server that does not announce one (default: the contract's).
    int assumedHeartbeatMs() const { return m_assumedHeartbeatMs; }
    void setAssumedHeartbeatMs(int ms);
    // What the current stream's response announced, clamped into the contract's range; 0 = none.
    int announcedHeartbeatMs() const { return m_announcedHeartbeatMs; }

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
    void readAnnouncedHeartbeat(const QNetworkReply *reply);
    void applySilenceTimeout();

    QUrl m_streamUrl;
    int m_reconnectOverrideMs = 0;
    int m_explicitSilenceTimeoutMs = 0; // 0 = derived from the heartbeat
    int m_assumedHeartbeatMs = PushLab::Wire::heartbeatDefaultMs;
    int m_announcedHeartbeatMs = 0;
    EventStreamParser m_parser;
    QPointer<QNetworkReply> m_reply;
    quint64 m_requestId = 0;
    bool m_streamOpen = false;
    QTimer *m_reconnectTimer = nullptr; // child of this
    QTimer *m_silenceTimer = nullptr;   // child of this
};
