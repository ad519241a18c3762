#include "connectiontable.h"

#include <QtNetwork/QTcpSocket>

#include <sys/resource.h>

int ConnectionTable::capFor(int configured) {
    rlimit limit{};
    const qint64 files = getrlimit(RLIMIT_NOFILE, &limit) == 0 ? qint64(limit.rlim_cur) : 1024;
    return int(qMin<qint64>(configured, files - 64));
}

Connection *ConnectionTable::find(QTcpSocket *socket) {
    const auto it = m_connections.find(socket);
    return it == m_connections.end() ? nullptr : &it->second;
}

Connection *ConnectionTable::find(QTcpSocket *socket, quint64 serial) {
    Connection *c = find(socket);
    return c && c->serial == serial ? c : nullptr;
}

Connection &ConnectionTable::add(QTcpSocket *socket) {
    Connection c;
    c.socket = socket;
    c.fd = socket->socketDescriptor();
    c.serial = ++m_nextSerial;
    c.peerAddress = socket->peerAddress();
    c.peerPort = socket->peerPort();
    c.lastActivityMs = PushLab::monotonicMs();
    return m_connections.emplace(socket, std::move(c)).first->second;
}

ConnectionTable::Overdue ConnectionTable::overdue(qint64 nowMs, qint64 requestTimeoutMs,
                                                  qint64 keepAliveTimeoutMs) const {
    Overdue overdue;
    for (const auto &[socket, c] : m_connections) {
        if (c.rejected || c.state != Connection::State::Idle)
            continue;
        if (c.requestStartedMs != 0 && nowMs - c.requestStartedMs > requestTimeoutMs)
            overdue.timedOut.push_back(socket);
        else if (c.requestStartedMs == 0 && nowMs - c.lastActivityMs > keepAliveTimeoutMs)
            overdue.idle.push_back(socket);
    }
    return overdue;
}

std::vector<std::pair<QTcpSocket *, bool>> ConnectionTable::takeAll() {
    std::vector<std::pair<QTcpSocket *, bool>> sockets;
    sockets.reserve(m_connections.size());
    for (const auto &[socket, c] : m_connections)
        sockets.emplace_back(socket, c.withHttpServer);
    m_connections.clear();
    return sockets;
}
