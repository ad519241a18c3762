#include "servercostmeter.h"

void ServerCostMeter::add(const ServerStats &stats, qint64 atMs) {
    m_costs.forEach(
        [&stats](PushLab::Pattern p, Cost &cost) { cost.open = stats.patterns[p].open; });

    if (!m_history.empty()) {
        const Snapshot &last = m_history.back();
        if (stats.startedAtUs != last.startedAtUs ||
            stats.messagesPublished < last.messagesPublished) {
            // Restarted: counters start again from zero; no rates until the next snapshot.
            for (Cost &cost : m_costs)
                cost.requestsPerSecond = cost.bytesPerSecond = cost.deliveredPerSecond = 0;
            m_hasRates = false;
            m_history.clear();
        } else if (atMs <= m_history.back().atMs) {
            return; // no time passed: nothing to divide by
        }
    }
    m_history.push_back({atMs, stats.startedAtUs, stats.messagesPublished, stats.patterns});
    if (m_history.size() < 2)
        return;

    // The base: the newest snapshot at least windowMs old; older ones are no longer needed.
    while (m_history.size() > 2 && atMs - m_history[1].atMs >= windowMs)
        m_history.pop_front();
    const Snapshot &base = m_history.front();
    const double seconds = double(atMs - base.atMs) / 1000.0;
    m_costs.forEach([&](PushLab::Pattern p, Cost &cost) {
        const ServerStats::PatternCounters &now = stats.patterns[p];
        const ServerStats::PatternCounters &before = base.patterns[p];
        cost.requestsPerSecond = qMax<qint64>(0, now.requests - before.requests) / seconds;
        cost.bytesPerSecond = qMax<qint64>(0, now.bytesOut - before.bytesOut) / seconds;
        cost.deliveredPerSecond = qMax<qint64>(0, now.delivered - before.delivered) / seconds;
    });
    m_hasRates = true;
}

void ServerCostMeter::clear() {
    m_history.clear();
    m_costs = {};
    m_hasRates = false;
}
