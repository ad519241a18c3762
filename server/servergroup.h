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
    // The first id of the history's epoch (of this run; with Redis, of the stream's life).
    quint64 epoch() const { return m_epoch.load(std::memory_order_acquire); }
    quint64 firstId() const { return epoch(); }
    qint64 startedAtUs() const { return m_startedAtUs; }
    quint64 lastId() const { return m_lastId.load(std::memory_order_acquire); }

    // Stores a message (stamped now) and wakes every loop but `fromLoop`, which catches up
    // itself.
    Message publish(const QString &text, int fromLoop);
    // The retained messages with id > since, oldest first (copies share their bytes), and the
    // epoch they belong to.
    std::vector<Message> messagesAfter(quint64 since, quint64 *epoch = nullptr) const;

    // A history stored elsewhere (RedisHistory) feeds these; both wake every loop but
    // `fromLoop`, which catches up itself.
    // Messages in stream order: those already held are skipped; a message of another epoch
    // starts the history over (as does `messages` empty with a new epoch); a jump in ids
    // leaves out what lies between (evicted there before it reached here).
    void adopt(quint64 epoch, std::vector<Message> messages, int fromLoop);
    // One message just stored by this server: taken only if it is the next one of this epoch
    // (otherwise the stream brings it, in order). True when taken.
    bool offer(quint64 epoch, const Message &m, int fromLoop);

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
    std::atomic<quint64> m_epoch;
    const qint64 m_startedAtUs;
    mutable std::mutex m_mutex;
    MessageLog m_log; // guarded by m_mutex
    std::atomic<quint64> m_lastId;
    void wakeAllBut(int fromLoop);
    std::vector<ServerLoop *> m_loops;
    std::deque<std::atomic<int>> m_connections; // a deque: atomics cannot move
};
