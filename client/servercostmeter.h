#pragma once

#include "pattern.h"
#include "serverstats.h"

#include <deque>

// What each pattern costs the server right now, from /api/stats snapshots: requests, bytes and
// deliveries per second, and the connections it holds open. Rates are averaged over at least
// a second when the snapshots allow it: polled every 250 ms, 60 pollers asking once a second
// in one burst would otherwise read 240 /s, then 0 /s three times.
class ServerCostMeter final {
public:
    struct Cost {
        double requestsPerSecond = 0;
        double bytesPerSecond = 0;
        double deliveredPerSecond = 0;
        qint64 open = 0;
    };

    // Averaging window: rates come from the newest snapshot that is at least this much older
    // than the latest (else from the oldest kept).
    static constexpr qint64 windowMs = 1000;

    // One snapshot taken at `atMs` (a monotonic clock). A server that restarted (counters went
    // down, or a new start time) starts afresh.
    void add(const ServerStats &stats, qint64 atMs);
    void clear();

    bool hasRates() const { return m_hasRates; }
    Cost cost(PushLab::Pattern pattern) const { return m_costs[pattern]; }
    std::size_t snapshotsKept() const { return m_history.size(); }

private:
    struct Snapshot { // the counters only: a full snapshot carries up to 200 peers
        qint64 atMs = 0;
        qint64 startedAtUs = 0;
        qint64 messagesPublished = 0;
        PushLab::PatternMap<ServerStats::PatternCounters> patterns;
    };
    std::deque<Snapshot> m_history; // oldest first; at most about windowMs of them, plus one
    PushLab::PatternMap<Cost> m_costs;
    bool m_hasRates = false;
};
