#pragma once

#include "patternclient.h"
#include "wirecontract.h"

#include <QtCore/QPointer>

class QTimer;

// Long polling: GET /api/messages/wait?since=N&timeout=S, re-issued as soon as an answer
// arrives; 204 re-issues at once; errors back off (250 ms doubling to 10 s) and recover.
class LongPollClient final : public PatternClient {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LongPollClient)

public:
    static constexpr int minTimeoutSeconds = PushLab::Wire::longPollMinTimeoutS;
    static constexpr int maxTimeoutSeconds = PushLab::Wire::longPollMaxTimeoutS;
    static constexpr int defaultTimeoutSeconds = PushLab::Wire::longPollDefaultTimeoutS;
    static constexpr int initialBackoffMs = 250;
    static constexpr int maxBackoffMs = 10000;

    explicit LongPollClient(QObject *parent = nullptr);
    ~LongPollClient() override;

    int timeoutSeconds() const { return m_timeoutSeconds; }
    // Clamped to minTimeoutSeconds..maxTimeoutSeconds; applies from the next request.
    void setTimeoutSeconds(int seconds);
    quint64 lastId() const { return m_lastId; }

protected:
    void startClient() override;
    void stopClient() override;

private:
    void poll();
    void onFinished(QNetworkReply *reply, quint64 requestId);
    void scheduleRetry(const QString &why);

    int m_timeoutSeconds = defaultTimeoutSeconds;
    int m_backoffMs = initialBackoffMs;
    QTimer *m_retryTimer = nullptr; // child of this
    QPointer<QNetworkReply> m_reply;
    quint64 m_lastId = 0;
    qint64 m_sentUs = 0; // when the request in flight left
    bool m_haveLastId = false;
};
