#pragma once

#include "connection.h"

#include <QtCore/QTimer>

#include <functional>
#include <vector>

// The long polls parked on one event loop, packed for the fan-out (swap-removed;
// Connection::waitIndex finds one), and one sorted deadline list with one timer for all of
// them: a waiting poll costs no timer of its own.
class WaiterSet final {
    Q_DISABLE_COPY_MOVE(WaiterSet)

public:
    // `due` runs (in `context`'s thread) when the earliest deadline has passed.
    WaiterSet(QObject *context, std::function<void()> due);

    void park(Connection &c, quint64 since, qint64 deadlineMs);
    // Leaves the set; state back to Idle. Nothing when c is not waiting.
    void unpark(Connection &c);
    // Every waiter leaves at once (news answers them all), each back to Idle.
    std::vector<Connection *> takeAll();
    // The sockets whose deadline is at or before nowMs (they stay parked).
    std::vector<QTcpSocket *> expired(qint64 nowMs) const;
    // Sets the timer for the earliest deadline (or stops it).
    void rearm();
    void clear();

    std::size_t size() const { return m_waiters.size(); }
    bool empty() const { return m_waiters.empty(); }

private:
    std::vector<Connection *> m_waiters;
    Connection::Deadlines m_deadlines;
    QTimer m_timer;
};
