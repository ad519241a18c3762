#pragma once

#include "connection.h"

#include <unordered_map>
#include <utility>
#include <vector>

// The connections one event loop serves, by socket. Node-based, so a Connection never moves
// while it is in the table.
class ConnectionTable final {
public:
    // The connection cap in force: `configured`, less when the open-file limit is lower (some
    // descriptors stay for the process itself: files, the GUI, the threads' wake-ups).
    static int capFor(int configured);

    Connection *find(QTcpSocket *socket);
    // The connection only if it is still the one that had `serial` (not a later one reusing
    // the socket's address).
    Connection *find(QTcpSocket *socket, quint64 serial);
    // A record for a newly accepted socket: its descriptor, peer and a fresh serial.
    Connection &add(QTcpSocket *socket);
    void erase(QTcpSocket *socket) { m_connections.erase(socket); }
    std::size_t size() const { return m_connections.size(); }
    bool empty() const { return m_connections.empty(); }

    template <typename F> void forEach(F &&f) const {
        for (const auto &entry : m_connections)
            f(entry.second);
    }

    struct Overdue {
        std::vector<QTcpSocket *> timedOut; // a request begun longer ago than the timeout
        std::vector<QTcpSocket *> idle;     // a keep-alive connection silent for too long
    };
    // Idle-state connections (not waiting, streaming or rejected) past one of the limits.
    Overdue overdue(qint64 nowMs, qint64 requestTimeoutMs, qint64 keepAliveTimeoutMs) const;

    // Empties the table; returns each socket and whether QHttpServer serves it.
    std::vector<std::pair<QTcpSocket *, bool>> takeAll();

private:
    std::unordered_map<QTcpSocket *, Connection> m_connections;
    quint64 m_nextSerial = 0;
};
