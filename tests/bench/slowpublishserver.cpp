#include "slowpublishserver.h"

#include <QtCore/QPointer>
#include <QtCore/QTimer>
#include <QtNetwork/QTcpServer>
#include <QtNetwork/QTcpSocket>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace {

const char *const bufferProperty = "pendingBytes";
const char *const streamProperty = "isStream";

} // namespace

SlowPublishServer::SlowPublishServer(int answerDelayMs)
    : m_answerDelayMs(answerDelayMs) {}

SlowPublishServer::~SlowPublishServer() {
    // The context and its sockets belong to the thread: deleted there, as it finishes.
    if (m_context)
        m_context->deleteLater();
    m_thread.quit();
    m_thread.wait();
}

bool SlowPublishServer::start() {
    m_thread.start();
    m_context = new QObject; // owned by this object, deleted on its thread in the destructor
    m_context->moveToThread(&m_thread);
    bool listening = false;
    // Blocking: the test needs the port before it starts the load generator.
    QMetaObject::invokeMethod(
        m_context,
        [this, &listening] {
            m_server = new QTcpServer(m_context);
            connect(m_server, &QTcpServer::newConnection, m_context, [this] { onConnection(); });
            listening = m_server->listen(QHostAddress::LocalHost, 0);
            m_port = m_server->serverPort();
        },
        Qt::BlockingQueuedConnection);
    return listening;
}

void SlowPublishServer::onConnection() {
    while (QTcpSocket *socket = m_server->nextPendingConnection()) {
        socket->setParent(m_context);
        connect(socket, &QTcpSocket::readyRead, m_context, [this, socket] { onReadyRead(socket); });
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    }
}

void SlowPublishServer::onReadyRead(QTcpSocket *socket) {
    QByteArray pending = socket->property(bufferProperty).toByteArray() + socket->readAll();
    while (true) {
        const qsizetype headEnd = pending.indexOf("\r\n\r\n");
        if (headEnd < 0)
            break;
        const QByteArray head = pending.left(headEnd);
        if (head.startsWith("GET ")) {
            pending.remove(0, headEnd + 4);
            socket->setProperty(streamProperty, true);
            socket->write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                          "Cache-Control: no-cache\r\n\r\n");
            continue;
        }
        qsizetype length = 0;
        const QList<QByteArray> lines = head.split('\n');
        for (const QByteArray &line : lines) {
            if (line.toLower().startsWith("content-length:"))
                length = line.mid(15).trimmed().toLongLong();
        }
        if (pending.size() < headEnd + 4 + length)
            break;
        const QByteArray body = pending.mid(headEnd + 4, length);
        pending.remove(0, headEnd + 4 + length);
        ++m_publishes;
        const int open = ++m_open;
        int most = m_mostOpen.load();
        while (open > most && !m_mostOpen.compare_exchange_weak(most, open)) {
        }
        QTimer::singleShot(m_answerDelayMs, socket, [this, socket, body] {
            const QList<QTcpSocket *> sockets = m_context->findChildren<QTcpSocket *>();
            for (QTcpSocket *stream : sockets) {
                if (stream->property(streamProperty).toBool())
                    stream->write("data: " + body + "\n\n");
            }
            --m_open;
            socket->write("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
        });
    }
    socket->setProperty(bufferProperty, pending);
}
