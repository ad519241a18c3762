#pragma once

#include <QtNetwork/QTcpServer>

#include <functional>
#include <vector>

// The listening socket. It creates each connection's QTcpSocket itself so the push server can
// attach its own handlers (byte counting, disconnect tracking) before QHttpServer attaches
// its parser, and refuses connections beyond the cap with a 503 instead of holding them.
class Listener final : public QTcpServer {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Listener)

public:
    using AcceptHook = std::function<bool(QTcpSocket *)>; // false: refuse this connection

    explicit Listener(AcceptHook hook, QObject *parent = nullptr);

protected:
    void incomingConnection(qintptr socketDescriptor) override;

private:
    void handOver();

    AcceptHook m_hook;
    std::vector<QTcpSocket *> m_accepted; // accepted this round, not yet handed to QHttpServer
};
