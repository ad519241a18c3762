#pragma once

#include "pattern.h"
#include "serverstats.h"

#include <array>
#include <optional>

// What each pattern costs the server right now, from two successive /api/stats snapshots:
// requests, bytes and deliveries per second, and the connections it holds open.
class ServerCostMeter final {
public:
    struct Cost {
        double requestsPerSecond = 0;
        double bytesPerSecond = 0;
        double deliveredPerSecond = 0;
        qint64 open = 0;
    };

    // One snapshot taken at `atMs` (a monotonic clock). Rates come from the previous one; a
    // server that restarted (counters went down, or a new start time) starts afresh.
    void add(const ServerStats &stats, qint64 atMs);
    void clear();

    bool hasRates() const { return m_hasRates; }
    Cost cost(PushLab::Pattern pattern) const { return m_costs[PushLab::patternIndex(pattern)]; }

private:
    std::optional<ServerStats> m_previous;
    qint64 m_previousAtMs = 0;
    std::array<Cost, 3> m_costs{};
    bool m_hasRates = false;
};
