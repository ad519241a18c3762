#pragma once

#include "message.h"
#include "messagelog.h"

#include <QtCore/QtGlobal>

#include <atomic>
#include <deque>
#include <mutex>
#include <vector>

class ServerLoop;

// What the event loops of one server share: the message history, the list of loops and how
// many connections each serves. Every loop keeps a replica of the history (a MessageLog of its
// own) so that it answers and pushes without taking a lock; publishing appends here under the
// lock and wakes the other loops, which copy what they lack, always in publishing order.
// Thread-safe once every loop has joined (joining happens before any loop runs).
class ServerGroup final {
    Q_DISABLE_COPY_MOVE(ServerGroup)

public:
    ServerGroup(int historySize, quint64 firstId);

    // Called by each loop's constructor, before any loop runs; returns the loop's index.
    int join(ServerLoop *loop);
    int loopCount() const { return int(m_loops.size()); }
    ServerLoop *loop(int index) const { return m_loops[std::size_t(index)]; }

    int historySize() const { return m_historySize; }
    quint64 firstId() const { return m_firstId; }
    qint64 startedAtUs() const { return m_startedAtUs; }
    quint64 lastId() const { return m_lastId.load(std::memory_order_acquire); }

    // Stores a message (stamped now) and wakes every loop but `fromLoop`, which catches up
    // itself.
    Message publish(const QString &text, int fromLoop);
    // The retained messages with id > since, oldest first (copies share their bytes).
    std::vector<Message> messagesAfter(quint64 since) const;

    // Connections per loop: counted when a connection is assigned to a loop, uncounted when
    // that loop forgets it. New connections go to the loop with the fewest.
    int leastBusyLoop() const;
    void connectionAssigned(int loop) { m_connections[std::size_t(loop)].fetch_add(1); }
    void connectionGone(int loop, int count = 1) {
        m_connections[std::size_t(loop)].fetch_sub(count);
    }
    int connections(int loop) const { return m_connections[std::size_t(loop)].load(); }
    int totalConnections() const;

private:
    const int m_historySize;
    const quint64 m_firstId;
    const qint64 m_startedAtUs;
    mutable std::mutex m_mutex;
    MessageLog m_log; // guarded by m_mutex
    std::atomic<quint64> m_lastId;
    std::vector<ServerLoop *> m_loops;
    std::deque<std::atomic<int>> m_connections; // a deque: atomics cannot move
};
