#include "serverhost.h"

#include "epolleventdispatcher.h"
#include "pushserver.h"

#include <QtCore/QLoggingCategory>

#include <malloc.h>

ServerHost::ServerHost(const ServerConfig &config, QObject *parent)
    : QObject(parent)
    , m_config(config) {
    m_thread.setObjectName(QStringLiteral("pushlab-server"));
}

ServerHost::~ServerHost() {
    stop();
}

bool ServerHost::start(QString *errorMessage) {
    if (m_server)
        return true;
    // Thousands of connections arriving at once grow the heap in many small steps (each an
    // mprotect on the thread's arena): growing it 64 MiB at a time took a tenth off the CPU
    // of accepting 10,000 streams. Address space only; untouched pages cost no memory.
    mallopt(M_TOP_PAD, 64 * 1024 * 1024);
    // The server's thread waits on epoll (see EpollEventDispatcher); PUSHLAB_EVENT_DISPATCHER=qt
    // keeps Qt's default, for comparison. The thread owns and deletes it when it finishes.
    if (qgetenv("PUSHLAB_EVENT_DISPATCHER") != "qt")
        m_thread.setEventDispatcher(new EpollEventDispatcher);
    m_thread.start();
    bool ok = false;
    QString error;
    auto *server = new PushServer(m_config);
    server->moveToThread(&m_thread);
    // Blocking queued: listen() must run in the server's thread so its sockets live there,
    // and the caller needs the answer before it goes on.
    QMetaObject::invokeMethod(
        server, [server, &ok, &error] { ok = server->listen(&error); },
        Qt::BlockingQueuedConnection);
    if (!ok) {
        QMetaObject::invokeMethod(
            server, [server] { delete server; }, Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
        if (errorMessage)
            *errorMessage = error;
        return false;
    }
    QMetaObject::invokeMethod(
        server, [this, server] { m_port = server->port(); }, Qt::BlockingQueuedConnection);
    m_server = server;
    return true;
}

void ServerHost::stop() {
    if (!m_server)
        return;
    PushServer *server = m_server;
    m_server = nullptr;
    // Shut down and delete in the server's own thread, where its sockets live.
    QMetaObject::invokeMethod(
        server,
        [server] {
            server->shutdown();
            delete server;
        },
        Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

QUrl ServerHost::url() const {
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    QHostAddress host = m_config.bindAddress;
    if (host == QHostAddress::Any || host == QHostAddress::AnyIPv4)
        host = QHostAddress::LocalHost;
    else if (host == QHostAddress::AnyIPv6)
        host = QHostAddress::LocalHostIPv6;
    url.setHost(host.toString());
    url.setPort(m_port);
    url.setPath(QStringLiteral("/"));
    return url;
}
