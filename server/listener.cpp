#include "listener.h"

#include <QtCore/QSignalBlocker>
#include <QtNetwork/QTcpSocket>

Listener::Listener(AcceptHook hook, QObject *parent)
    : QTcpServer(parent)
    , m_hook(std::move(hook)) {}

void Listener::incomingConnection(qintptr socketDescriptor) {
    auto *socket = new QTcpSocket(this); // owned by the listener until the server deletes it
    if (!socket->setSocketDescriptor(socketDescriptor)) {
        delete socket;
        return;
    }
    if (!m_hook(socket))
        return; // the hook answered and closes it
    m_accepted.push_back(socket);
    if (m_accepted.size() == 1) // once the accept loop of this round is over
        QMetaObject::invokeMethod(this, &Listener::handOver, Qt::QueuedConnection);
}

void Listener::handOver() {
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
    // A request that arrived before QHttpServer was listening must still be parsed.
    for (QTcpSocket *socket : accepted) {
        if (socket->state() == QAbstractSocket::ConnectedState && socket->bytesAvailable() > 0)
            Q_EMIT socket->readyRead();
    }
}
