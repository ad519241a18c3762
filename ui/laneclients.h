#pragma once

#include "latencystats.h"
#include "pattern.h"

#include <QtCore/QObject>

class LongPollClient;
class PatternClient;
class QUrl;
class ShortPollClient;
class SseClient;
class WebSocketClient;
struct TrafficEvent;

// The window's pattern clients, one per lane, and each lane's latency statistics: every
// TrafficEvent is counted here on its way to the views.
class LaneClients final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LaneClients)

public:
    explicit LaneClients(QObject *parent = nullptr);
    ~LaneClients() override;

    PatternClient *client(PushLab::Pattern p) const { return m_clients[p]; }
    // (Re)starts every client against url.
    void setServer(const QUrl &url);
    void stopAll();
    // A lane's one setting: interval ms (short), timeout s (long), reconnect ms (SSE, 0 = the
    // server's retry; WebSocket, 0 = WebSocketClient's default).
    void applySetting(PushLab::Pattern p, int value);
    // The SSE reconnect delay in force now.
    int sseReconnectDelayMs() const;

    LatencySummary summary(PushLab::Pattern p) const { return m_stats[p].total(); }
    void clearStats();

Q_SIGNALS:
    void trafficEvent(const TrafficEvent &event); // once counted
    void runningChanged(PushLab::Pattern pattern, bool running);

private:
    ShortPollClient *m_short = nullptr; // child
    LongPollClient *m_long = nullptr;   // child
    SseClient *m_sse = nullptr;         // child
    WebSocketClient *m_ws = nullptr;    // child
    PushLab::PatternMap<PatternClient *> m_clients;
    PushLab::PatternMap<LatencyStats> m_stats;
};
