#include "fastpathreader.h"

#include "connectiontable.h"
#include "routetable.h"

#include <QtNetwork/QTcpSocket>

#include <sys/socket.h>

FastPathReader::FastPathReader(ConnectionTable &connections, Receive receive)
    : m_connections(connections)
    , m_receive(std::move(receive)) {}

bool FastPathReader::takeRead(int fd, void *context) {
    auto *socket = static_cast<QTcpSocket *>(context);
    Connection *c = m_connections.find(socket);
    if (!c || c->fd != fd || c->state == Connection::State::Streaming || c->rejected ||
        c->closing || socket->bytesAvailable() > 0 || socket->isTransactionStarted())
        return false;
    char buffer[4096];
    const ssize_t peeked = ::recv(fd, buffer, sizeof buffer, MSG_PEEK | MSG_DONTWAIT);
    if (peeked <= 0)
        return false; // the end, an error, or nothing after all: Qt finds out
    qsizetype length = 0;
    std::optional<RequestInfo> info = RequestInfo::fromSimpleGet(QByteArrayView(buffer, peeked),
                                                                 RouteTable::fastPaths(), &length);
    // Only what the QHttpServer path would answer the same way: a request the framer would
    // pass (fromSimpleGet takes no other), at a request boundary.
    if (!info || !c->framer.atBoundary())
        return false;
    if (::recv(fd, buffer, size_t(length), MSG_DONTWAIT) != length) {
        socket->abort(); // cannot happen for bytes just peeked; never answer a torn request
        return true;
    }
    ++m_requests;
    c->lastActivityMs = PushLab::monotonicMs();
    c->requestBytes = 0;
    c->requestStartedMs = 0;
    m_receive(*c, std::move(*info));
    return true;
}
