#include "servergroup.h"

#include "clock.h"
#include "serverloop.h"

ServerGroup::ServerGroup(int historySize, quint64 firstId)
    : m_historySize(historySize)
    , m_epoch(qMax<quint64>(1, firstId))
    , m_startedAtUs(PushLab::wallClockUs())
    , m_log(historySize, epoch())
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
    wakeAllBut(fromLoop);
    return m;
}

void ServerGroup::wakeAllBut(int fromLoop) {
    for (int i = 0; i < loopCount(); ++i) {
        if (i != fromLoop)
            m_loops[std::size_t(i)]->wake();
    }
}

void ServerGroup::adopt(quint64 epoch, std::vector<Message> messages, int fromLoop) {
    {
        const std::lock_guard lock(m_mutex);
        if (epoch != m_epoch.load(std::memory_order_relaxed)) {
            m_log.startOver(epoch);
            m_epoch.store(epoch, std::memory_order_release);
        }
        for (const Message &m : messages) {
            if (m.id > m_log.lastId())
                m_log.adopt(m);
        }
        m_lastId.store(m_log.lastId(), std::memory_order_release);
    }
    wakeAllBut(fromLoop);
}

bool ServerGroup::offer(quint64 epoch, const Message &m, int fromLoop) {
    {
        const std::lock_guard lock(m_mutex);
        if (epoch != m_epoch.load(std::memory_order_relaxed) || m.id != m_log.lastId() + 1)
            return false;
        m_log.adopt(m);
        m_lastId.store(m.id, std::memory_order_release);
    }
    wakeAllBut(fromLoop);
    return true;
}

std::vector<Message> ServerGroup::messagesAfter(quint64 since, quint64 *epoch) const {
    std::vector<Message> news;
    const std::lock_guard lock(m_mutex);
    if (epoch)
        *epoch = m_epoch.load(std::memory_order_relaxed);
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
