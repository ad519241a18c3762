#include "waiterset.h"

#include "wirecontract.h"

WaiterSet::WaiterSet(QObject *context, std::function<void()> due) {
    // A child of the loop: it moves to the loop's thread with it (ServerHost creates loops on
    // the main thread), and a timer can only be started from its own thread.
    m_timer.setParent(context);
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);
    QObject::connect(&m_timer, &QTimer::timeout, context, std::move(due));
}

void WaiterSet::park(Connection &c, quint64 since, qint64 deadlineMs) {
    c.state = Connection::State::Waiting;
    c.waitSince = since;
    c.deadline = m_deadlines.emplace(deadlineMs, c.socket);
    c.waitIndex = m_waiters.size();
    m_waiters.push_back(&c);
    if (c.deadline == m_deadlines.begin())
        rearm();
}

void WaiterSet::unpark(Connection &c) {
    if (c.state != Connection::State::Waiting)
        return;
    m_deadlines.erase(c.deadline);
    const std::size_t index = c.waitIndex;
    if (index + 1 != m_waiters.size()) {
        m_waiters[index] = m_waiters.back();
        m_waiters[index]->waitIndex = index;
    }
    m_waiters.pop_back();
    c.state = Connection::State::Idle;
}

std::vector<Connection *> WaiterSet::takeAll() {
    std::vector<Connection *> waiters = std::exchange(m_waiters, {});
    m_deadlines.clear(); // only waiters have deadlines
    for (Connection *c : waiters)
        c->state = Connection::State::Idle;
    return waiters;
}

std::vector<QTcpSocket *> WaiterSet::expired(qint64 nowMs) const {
    std::vector<QTcpSocket *> sockets;
    for (auto it = m_deadlines.begin(); it != m_deadlines.end() && it->first <= nowMs; ++it)
        sockets.push_back(it->second);
    return sockets;
}

void WaiterSet::rearm() {
    if (m_deadlines.empty()) {
        m_timer.stop();
        return;
    }
    const qint64 wait = m_deadlines.begin()->first - PushLab::monotonicMs();
    constexpr qint64 longestMs = qint64(PushLab::Wire::longPollMaxTimeoutS) * 1000;
    m_timer.start(int(qBound<qint64>(0, wait, longestMs)));
}

void WaiterSet::clear() {
    m_timer.stop();
    m_waiters.clear();
    m_deadlines.clear();
}
