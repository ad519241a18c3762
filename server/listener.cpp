#include "listener.h"

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
    addPendingConnection(socket);
}
