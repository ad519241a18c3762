#include "servergroup.h"

#include "clock.h"
#include "serverloop.h"

ServerGroup::ServerGroup(int historySize, quint64 firstId)
    : m_historySize(historySize)
    , m_firstId(qMax<quint64>(1, firstId))
    , m_startedAtUs(PushLab::wallClockUs())
    , m_log(historySize, m_firstId)
    , m_lastId(m_log.lastId()) {}

int ServerGroup::join(ServerLoop *loop) {
    m_loops.push_back(loop);
    m_connections.emplace_back(0);
    return int(m_loops.size()) - 1;
}

Message ServerGroup::publish(const QString &text, int fromLoop) {
    Message m;
    {
        // Stamped under the lock, so publishedAt grows with the id whoever publishes.
        const std::lock_guard lock(m_mutex);
        m = m_log.append(text, PushLab::wallClockUs());
        m_lastId.store(m.id, std::memory_order_release);
    }
    for (int i = 0; i < loopCount(); ++i) {
        if (i != fromLoop)
            m_loops[std::size_t(i)]->wake();
    }
    return m;
}

std::vector<Message> ServerGroup::messagesAfter(quint64 since) const {
    std::vector<Message> news;
    const std::lock_guard lock(m_mutex);
    m_log.forEachAfter(since, [&news](const Message &m) { news.push_back(m); });
    return news;
}

int ServerGroup::leastBusyLoop() const {
    int best = 0;
    for (int i = 1; i < loopCount(); ++i) {
        if (connections(i) < connections(best))
            best = i;
    }
    return best;
}

int ServerGroup::totalConnections() const {
    int total = 0;
    for (const auto &count : m_connections)
        total += count.load();
    return total;
}
