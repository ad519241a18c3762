#pragma once

#include <QtNetwork/QTcpServer>

#include <functional>
#include <vector>

// The listening socket. It creates each connection's QTcpSocket itself so the push server can
// attach its own handlers (byte counting, disconnect tracking) before QHttpServer attaches
// its parser, and refuses connections beyond the cap with a 503 instead of holding them.
// The server may also keep a connection from QHttpServer (it reads the requests itself, see
// PushServer::takeRead) and hand it over later with serve(), when a request needs it.
// With several event loops, only the first loop's listener accepts: its router may hand a new
// connection to another loop, whose listener adopts it (that one shares the listening socket
// but never accepts on it).
class Listener final : public QTcpServer {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Listener)

public:
    enum class Verdict {
        Refused, // the hook answered and closes it
        Serve,   // handed to QHttpServer when this round of accepting ends
        Keep,    // the server reads it itself until it calls serve()
    };
    // Called with nullptr for a descriptor that was unusable (the verdict is then ignored).
    using AcceptHook = std::function<Verdict(QTcpSocket *)>;
    using Router = std::function<bool(qintptr)>; // true: another loop takes it

    explicit Listener(AcceptHook hook, QObject *parent = nullptr);

    // `roundEnd` runs after each round of accepting, before this loop's new connections are
    // served: the router hands its batch over there.
    void setRouter(Router router, std::function<void()> roundEnd) {
        m_router = std::move(router);
        m_roundEnd = std::move(roundEnd);
    }
    // Never accept on the (shared) listening socket: only adopt().
    void setAdoptOnly();
    // Listens with this backlog. On failure returns false and says why in a line for a user.
    bool listenOn(const QHostAddress &address, quint16 port, int backlog, QString *errorMessage);
    // Listens on a descriptor of its own for another loop's listening socket (so that it is a
    // listening QTcpServer, what QHttpServer serves from) and only adopts. False: says why.
    bool shareListeningSocket(qintptr listeningSocket, QString *errorMessage);
    // Sets TCP_NODELAY on the listening socket: Linux gives it to every accepted socket,
    // which saves a setsockopt(2) per connection. Whether that worked.
    bool setNoDelayInherited();
    // Serves connections accepted by another loop's listener (from that loop's router).
    void adopt(const std::vector<qintptr> &socketDescriptors);
    // Answers 503 (the server is at its connection cap) and closes; the socket deletes itself.
    static void refuse(QTcpSocket *socket);
    // Hands a kept connection to QHttpServer now. Bytes already read into the socket are not
    // parsed until readyRead is emitted again.
    void serve(QTcpSocket *socket);

protected:
    void incomingConnection(qintptr socketDescriptor) override;

private:
    void take(qintptr socketDescriptor);
    void handOver();

    AcceptHook m_hook;
    Router m_router;
    std::function<void()> m_roundEnd;
    bool m_roundQueued = false;
    std::vector<QTcpSocket *> m_accepted; // accepted this round, not yet handed to QHttpServer
    bool m_adoptOnly = false;
};
