#include "listener.h"

#include "httpresponse.h"

#include <QtCore/QSignalBlocker>
#include <QtNetwork/QTcpSocket>

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

Listener::Listener(AcceptHook hook, QObject *parent)
    : QTcpServer(parent)
    , m_hook(std::move(hook)) {}

void Listener::incomingConnection(qintptr socketDescriptor) {
    if (!m_roundQueued) { // hand over once the accept loop of this round is over
        m_roundQueued = true;
        QMetaObject::invokeMethod(this, &Listener::handOver, Qt::QueuedConnection);
    }
    if (m_router && m_router(socketDescriptor))
        return;
    take(socketDescriptor);
}

void Listener::setAdoptOnly() {
    m_adoptOnly = true;
    pauseAccepting();
}

void Listener::refuse(QTcpSocket *socket) {
    connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    socket->write(
        HttpResponse::error(503, QStringLiteral("The server is at its connection limit; try "
                                                "again later."))
            .closeConnection()
            .toBytes());
    socket->disconnectFromHost();
}

bool Listener::listenOn(const QHostAddress &address, quint16 port, int backlog,
                        QString *errorMessage) {
    setListenBacklogSize(backlog);
    if (listen(address, port))
        return true;
    if (errorMessage) {
        *errorMessage = serverError() == QAbstractSocket::AddressInUseError
                            ? QStringLiteral("port %1 is already in use").arg(port)
                            : QStringLiteral("cannot listen on %1:%2: %3")
                                  .arg(address.toString())
                                  .arg(port)
                                  .arg(errorString());
    }
    return false;
}

bool Listener::shareListeningSocket(qintptr listeningSocket, QString *errorMessage) {
    const auto fail = [errorMessage] {
        if (errorMessage)
            *errorMessage = QStringLiteral("cannot share the listening socket: %1")
                                .arg(QString::fromLocal8Bit(strerror(errno)));
        return false;
    };
    const int descriptor = ::fcntl(int(listeningSocket), F_DUPFD_CLOEXEC, 0);
    if (descriptor < 0)
        return fail();
    if (!setSocketDescriptor(descriptor)) {
        ::close(descriptor);
        return fail();
    }
    setAdoptOnly();
    return true;
}

bool Listener::setNoDelayInherited() {
    // Small answers and pushes must not wait for Nagle.
    const int one = 1;
    return ::setsockopt(int(socketDescriptor()), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) == 0;
}

void Listener::adopt(const std::vector<qintptr> &socketDescriptors) {
    for (const qintptr descriptor : socketDescriptors)
        take(descriptor);
    handOver();
}

void Listener::take(qintptr socketDescriptor) {
    auto *socket = new QTcpSocket(this); // owned by the listener until the server deletes it
    if (!socket->setSocketDescriptor(socketDescriptor)) {
        delete socket;
        ::close(int(socketDescriptor));
        m_hook(nullptr);
        return;
    }
    if (m_hook(socket) == Verdict::Serve)
        m_accepted.push_back(socket);
}

void Listener::serve(QTcpSocket *socket) {
    addPendingConnection(socket); // QHttpServer takes it at once (pendingConnectionAvailable)
    if (m_adoptOnly)
        pauseAccepting(); // see handOver
}

void Listener::handOver() {
    m_roundQueued = false;
    // Connections for other loops first: a request on one of ours may ask every loop about
    // its connections (GET /api/stats), and those should be there by then.
    if (m_roundEnd)
        m_roundEnd();
    // QAbstractHttpServer reacts to each pendingConnectionAvailable by asking QObject::sender()
    // which server emitted it, and that walks a list as long as the connections it already
    // serves: one signal per connection made accepting 10,000 clients quadratic (seconds).
    // It takes every pending connection on one signal, so we send one per round.
    const std::vector<QTcpSocket *> accepted = std::exchange(m_accepted, {});
    if (accepted.empty())
        return;
    {
        const QSignalBlocker quiet(this);
        for (std::size_t i = 0; i + 1 < accepted.size(); ++i)
            addPendingConnection(accepted[i]);
    }
    addPendingConnection(accepted.back());
    // QTcpServer::nextPendingConnection() (QHttpServer just called it) resumes accepting.
    if (m_adoptOnly)
        pauseAccepting();
    // A request that arrived before QHttpServer was listening must still be parsed.
    for (QTcpSocket *socket : accepted) {
        if (socket->state() == QAbstractSocket::ConnectedState && socket->bytesAvailable() > 0)
            Q_EMIT socket->readyRead();
    }
}
