#pragma once

#include "connection.h"
#include "epolleventdispatcher.h"

#include <functional>

class ConnectionTable;

// The fast path. A poll or a stream request is a few hundred bytes that, through QTcpSocket
// and QHttpServer, cost a read notifier, FIONREAD, a ring buffer, two readyRead slots, a
// parser, a request object and a QUrl: about 40 % of a short poll's CPU (perf). Here they are
// peeked at with one recv(2) when the epoll dispatcher reports the socket readable; a plain GET
// of a polling or streaming route is consumed and handed to `receive`. Anything else stays in
// the socket untouched, and QTcpSocket and QHttpServer read it as usual. Only while QHttpServer
// holds nothing of the connection: no buffered bytes and no request half parsed.
class FastPathReader final : public EpollEventDispatcher::ReadHook {
public:
    using Receive = std::function<void(Connection &, RequestInfo)>;
    FastPathReader(ConnectionTable &connections, Receive receive);

    bool takeRead(int fd, void *context) override;
    // Requests read and parsed here rather than through QHttpServer.
    qint64 requests() const { return m_requests; }

private:
    ConnectionTable &m_connections;
    Receive m_receive;
    qint64 m_requests = 0;
};
