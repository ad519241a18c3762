#pragma once

#include "latencystats.h"
#include "linkconditions.h"
#include "pattern.h"

#include <QtCore/QObject>
#include <QtCore/QUrl>

#include <optional>

class LinkLab;
class LongPollClient;
class PatternClient;
class QUrl;
class ShortPollClient;
class SseClient;
class WebSocketClient;
struct TrafficEvent;

// The window's pattern clients, one per lane, and each lane's latency statistics: every
// TrafficEvent is counted here on its way to the views. With the network lab on, each lane's
// client reaches the server through its own LinkRelay, and the link's events join the stream.
class LaneClients final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LaneClients)

public:
    explicit LaneClients(QObject *parent = nullptr);
    ~LaneClients() override;

    PatternClient *client(PushLab::Pattern p) const { return m_clients[p]; }
    // (Re)starts every client against url.
    void setServer(const QUrl &url);
    // The network lab: nullopt = straight to the server (clients restart when this changes);
    // otherwise each lane through a relay with these conditions (a change applies at once).
    // False with *error when the lab cannot listen; the lanes then stay as they were.
    bool setLink(PushLab::Pattern p, const std::optional<LinkConditions> &conditions,
                 QString *error = nullptr);
    std::optional<LinkConditions> link(PushLab::Pattern p) const { return m_link[p]; }
    // Ends the lane's connections now, as a drop on its link would (no-op without the lab).
    void dropLink(PushLab::Pattern p, LinkConditions::DropMode mode);
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
    PushLab::PatternMap<std::optional<LinkConditions>> m_link;
    LinkLab *m_lab = nullptr; // child, made when first needed
    QUrl m_server;
};
