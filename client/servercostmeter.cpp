#include "servercostmeter.h"

void ServerCostMeter::add(const ServerStats &stats, qint64 atMs) {
    for (PushLab::Pattern p : PushLab::allPatterns)
        m_costs[PushLab::patternIndex(p)].open = stats.patterns[PushLab::patternIndex(p)].open;

    const bool restarted = m_previous && (stats.startedAtUs != m_previous->startedAtUs ||
                                          stats.messagesPublished < m_previous->messagesPublished);
    const qint64 elapsedMs = atMs - m_previousAtMs;
    if (m_previous && !restarted && elapsedMs > 0) {
        const double seconds = double(elapsedMs) / 1000.0;
        for (PushLab::Pattern p : PushLab::allPatterns) {
            const int i = PushLab::patternIndex(p);
            const ServerStats::PatternCounters &now = stats.patterns[i];
            const ServerStats::PatternCounters &before = m_previous->patterns[i];
            Cost &cost = m_costs[i];
            cost.requestsPerSecond = qMax<qint64>(0, now.requests - before.requests) / seconds;
            cost.bytesPerSecond = qMax<qint64>(0, now.bytesOut - before.bytesOut) / seconds;
            cost.deliveredPerSecond = qMax<qint64>(0, now.delivered - before.delivered) / seconds;
        }
        m_hasRates = true;
    } else if (restarted) {
        for (Cost &cost : m_costs)
            cost.requestsPerSecond = cost.bytesPerSecond = cost.deliveredPerSecond = 0;
        m_hasRates = false;
    }
    if (elapsedMs > 0 || !m_previous) {
        m_previous = stats;
        m_previousAtMs = atMs;
    }
}

void ServerCostMeter::clear() {
    m_previous.reset();
    m_previousAtMs = 0;
    m_costs = {};
    m_hasRates = false;
}
