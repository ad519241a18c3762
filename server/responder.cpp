#include "responder.h"

#include "socketwriter.h"

#include <QtCore/QLoggingCategory>

#include <QtCore/QPointer>
#include <QtNetwork/QTcpSocket>

Responder::Responder(SocketWriter &writer, TrafficCounters &counters, QObject *server,
                     QObject *socketContext)
    : m_writer(writer)
    , m_counters(counters)
    , m_server(server)
    , m_socketContext(socketContext) {}

void Responder::send(Connection &c, HttpResponse response, std::optional<PushLab::Pattern> countAs,
                     int delivered) {
    if (c.closeAfterResponse)
        response.closeConnection();
    sendBytes(c, response.toBytes(), countAs, delivered);
}

void Responder::sendBytes(Connection &c, const QByteArray &bytes,
                          std::optional<PushLab::Pattern> countAs, int delivered) {
    if (countAs) {
        PatternCounters &counters = m_counters[*countAs];
        counters.bytesOut += bytes.size();
        counters.delivered += delivered;
    }
    m_writer.write(c.socket, c.fd, bytes);
    if (c.closeAfterResponse)
        closeLater(c);
}

void Responder::closeLater(Connection &c) {
    // Not now: a socket with nothing left to write closes at once and emits disconnected,
    // which erases the connection record our callers still hold. The next turn of the event
    // loop is soon enough, and nothing more is read from or answered on it meanwhile.
    if (c.closing)
        return;
    c.closing = true;
    QPointer<QTcpSocket> socket(c.socket);
    QMetaObject::invokeMethod(
        m_socketContext,
        [socket] {
            if (socket)
                socket->disconnectFromHost();
        },
        Qt::QueuedConnection);
}

void Responder::rereadLater(QTcpSocket *socket) {
    QMetaObject::invokeMethod(
        socket,
        [socket] {
            if (socket->bytesAvailable() > 0)
                Q_EMIT socket->readyRead();
        },
        Qt::QueuedConnection);
}

void Responder::stopReadingRequests(QTcpSocket *socket) {
    QObject::disconnect(socket, &QTcpSocket::readyRead, m_server, nullptr); // QHttpServer's parser
    QObject::disconnect(socket, &QTcpSocket::readyRead, m_socketContext, nullptr); // our counting
}

void Responder::fanOut(const StreamSet &subscribers, PushLab::Pattern pattern,
                       const QByteArray &apiBytes, const QByteArray &seedBytes, int delivered,
                       const QLoggingCategory &(*log)(), const char *what) {
    if (subscribers.empty())
        return;
    std::vector<SocketWriter::Target> targets;
    targets.reserve(subscribers.size());
    for (const StreamSet::Stream &s : subscribers) {
        const QByteArray &bytes = s.flavour == Connection::Flavour::Seed ? seedBytes : apiBytes;
        targets.push_back({s.socket, s.fd, &bytes, delivered});
    }
    const SocketWriter::Result written = m_writer.writeAll(targets, SocketWriter::Helpers::Allowed);
    PatternCounters &counters = m_counters[pattern];
    counters.bytesOut += written.bytes;
    counters.delivered += written.delivered;
    // Dropped after the loop: abort() emits disconnected at once, which edits the set.
    for (QTcpSocket *socket : written.tooSlow) {
        qCWarning(log, "dropping a %s that stopped reading (%lld bytes unsent)", what,
                  static_cast<long long>(socket->bytesToWrite()));
        socket->abort();
    }
}
