#pragma once

#include "patternclient.h"

#include <QtCore/QPointer>

class QTimer;

// Short polling: GET /api/messages?since=N every interval. The first request has no `since`
// and learns where "now" is.
class ShortPollClient final : public PatternClient {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ShortPollClient)

public:
    static constexpr int minIntervalMs = 50;
    static constexpr int maxIntervalMs = 60000;
    static constexpr int defaultIntervalMs = 1000;

    explicit ShortPollClient(QObject *parent = nullptr);
    ~ShortPollClient() override;

    int intervalMs() const { return m_intervalMs; }
    // Clamped to 50..60000; applies at once while running.
    void setIntervalMs(int ms);
    // The last id seen (0 before the first answer).
    quint64 lastId() const { return m_lastId; }

protected:
    void startClient() override;
    void stopClient() override;

private:
    void poll();
    void onFinished(QNetworkReply *reply, quint64 requestId);

    int m_intervalMs = defaultIntervalMs;
    QTimer *m_timer = nullptr; // child of this
    QPointer<QNetworkReply> m_reply;
    quint64 m_lastId = 0;
    bool m_haveLastId = false;
};
