#include "linkconnection.h"

#include "linktimer.h"
#include "units.h"

#include <QtNetwork/QTcpSocket>

#include <sys/socket.h>

namespace {

constexpr qint64 socketReadBufferBytes = 64 * 1024;

bool isGone(const QTcpSocket *socket) {
    return socket->state() == QAbstractSocket::UnconnectedState ||
           socket->state() == QAbstractSocket::ClosingState;
}

} // namespace

LinkConnection::LinkConnection(QTcpSocket *client, const QString &host, quint16 port,
                               LinkSchedule *schedule, QObject *parent)
    : QObject(parent)
    , m_schedule(schedule)
    , m_client(client)
    , m_upstream(new QTcpSocket(this)) {
    m_client->setParent(this);
    for (QTcpSocket *s : {m_client, m_upstream}) {
        s->setReadBufferSize(socketReadBufferBytes);
        // The link decides when bytes go; Nagle's algorithm holding a small write for the
        // peer's delayed ACK would add up to 40 ms of its own.
        s->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    }
    const LinkConditions &c = schedule->conditions();
    if (c.bufferingProxyKiB > 0)
        m_proxy = std::make_unique<LinkProxyBuffer>(qint64(c.bufferingProxyKiB) * 1024);

    m_lastActivityUs = LinkSchedule::nowUs();
    m_down.way = LinkSchedule::Way::Down;
    m_down.from = m_upstream;
    m_down.to = m_client;
    m_up.way = LinkSchedule::Way::Up;
    m_up.from = m_client;
    m_up.to = m_upstream;
    // The client believes itself connected at once; its first bytes pay the handshake's round
    // trip before their own way across.
    m_up.lastDueUs = m_lastActivityUs + qint64(c.roundTripMs() + c.up.latencyMs) * 1000;

    for (Way *w : {&m_down, &m_up}) {
        w->timer = new LinkTimer(this);
        connect(w->timer, &LinkTimer::timeout, this, [this, w] { deliver(*w); });
        connect(w->from, &QTcpSocket::readyRead, this, [this, w] { readFrom(*w); });
        connect(w->from, &QTcpSocket::disconnected, this, [this, w] { sourceClosed(*w); });
        // Back-pressure released: the receiving side took what was written.
        connect(w->to, &QTcpSocket::bytesWritten, this, [this, w] { readFrom(*w); });
    }
    connect(m_upstream, &QTcpSocket::connected, this, [this] { deliver(m_up); });
    connect(m_upstream, &QTcpSocket::errorOccurred, this, [this] {
        // Refused or unreachable before it ever connected: the client's connection ends.
        if (m_upstream->state() != QAbstractSocket::UnconnectedState)
            return;
        if (!m_down.fromClosed)
            sourceClosed(m_down);
        deliver(m_up); // what waited for the connection has nowhere to go
    });
    m_upstream->connectToHost(host, port);
}

LinkConnection::~LinkConnection() {
    m_client->disconnect(this);
    m_upstream->disconnect(this);
}

void LinkConnection::readFrom(Way &w, bool everything) {
    if (w.fromClosed)
        return;
    const qint64 room = everything ? w.from->bytesAvailable()
                                   : maxQueuedBytes - w.queuedBytes - w.to->bytesToWrite();
    if (room <= 0 || w.from->bytesAvailable() == 0)
        return; // what stays unread fills the socket's buffers: the sender slows down
    QByteArray bytes = w.from->read(room);
    m_lastActivityUs = LinkSchedule::nowUs();
    if (w.way == LinkSchedule::Way::Down && m_proxy) {
        LinkProxyBuffer::Output out = m_proxy->feed(bytes);
        if (out.streamHeld)
            Q_EMIT linkEvent(QLatin1String(LinkEventType::proxyHold),
                             tr("Buffering proxy holds this stream until %1 KiB or its end")
                                 .arg(m_schedule->conditions().bufferingProxyKiB),
                             0);
        if (out.releasedWhenFull > 0)
            Q_EMIT linkEvent(QLatin1String(LinkEventType::proxyRelease),
                             tr("Buffering proxy full: released %1 at once")
                                 .arg(Units::bytes(out.releasedWhenFull)),
                             0);
        bytes = std::move(out.bytes);
    }
    if (!bytes.isEmpty())
        enqueue(w, std::move(bytes));
}

void LinkConnection::enqueue(Way &w, QByteArray bytes) {
    const qint64 now = LinkSchedule::nowUs();
    const LinkSchedule::Slot slot = m_schedule->schedule(w.way, bytes.size(), now, w.lastDueUs);
    if (slot.stallUs > 0)
        Q_EMIT linkEvent(
            QLatin1String(LinkEventType::stall),
            tr("Lost packet %1: stalled %2 for the retransmission")
                .arg(w.way == LinkSchedule::Way::Down ? QStringLiteral("↓") : QStringLiteral("↑"),
                     Units::milliseconds(double(slot.stallUs) / 1000.0)),
            slot.stallUs / 1000);
    w.lastDueUs = slot.dueUs;
    w.queuedBytes += bytes.size();
    w.queue.push_back({std::move(bytes), slot.dueUs});
    if (w.queue.size() == 1)
        deliver(w);
}

void LinkConnection::deliver(Way &w) {
    if (w.toClosed)
        return;
    const bool upstreamPending =
        w.to == m_upstream && (m_upstream->state() == QAbstractSocket::HostLookupState ||
                               m_upstream->state() == QAbstractSocket::ConnectingState);
    if (upstreamPending)
        return; // connected() calls again
    if (isGone(w.to)) {
        // The receiver went away: what was in flight to it has nowhere to go.
        w.queue.clear();
        w.queuedBytes = 0;
        w.toClosed = true;
        checkFinished();
        return;
    }
    const qint64 now = LinkSchedule::nowUs();
    bool wrote = false;
    while (!w.queue.empty() && w.queue.front().dueUs <= now) {
        Chunk &chunk = w.queue.front();
        w.queuedBytes -= chunk.bytes.size();
        if (!chunk.bytes.isEmpty()) {
            w.to->write(chunk.bytes);
            wrote = true;
        }
        w.queue.pop_front();
    }
    // Into the kernel now, not at the event loop's next turn: the link already decided when.
    if (wrote)
        w.to->flush();
    if (w.queue.empty() && w.fromClosed) {
        w.toClosed = true;
        w.to->disconnectFromHost(); // after what was written: the FIN, one link delay late
        checkFinished();
        return;
    }
    armTimer(w);
    readFrom(w);
}

void LinkConnection::armTimer(Way &w) {
    if (w.queue.empty()) {
        w.timer->stop();
        return;
    }
    w.timer->start(w.queue.front().dueUs);
}

void LinkConnection::sourceClosed(Way &w) {
    if (w.fromClosed)
        return;
    readFrom(w, true); // what arrived with the FIN, whatever the queue holds
    w.fromClosed = true;
    QByteArray rest;
    if (w.way == LinkSchedule::Way::Down && m_proxy)
        rest = m_proxy->flush();
    // The FIN (and whatever the proxy still held) crosses the link like any byte.
    enqueue(w, std::move(rest));
}

void LinkConnection::drop(LinkConditions::DropMode mode) {
    m_down.timer->stop();
    m_up.timer->stop();
    for (Way *w : {&m_down, &m_up}) {
        w->queue.clear();
        w->queuedBytes = 0;
        w->fromClosed = w->toClosed = true;
    }
    if (mode == LinkConditions::DropMode::Reset) {
        // SO_LINGER 0: close() sends a RST, as a vanished path or a NAT that forgot us does.
        const linger l{1, 0};
        if (m_client->socketDescriptor() >= 0)
            ::setsockopt(int(m_client->socketDescriptor()), SOL_SOCKET, SO_LINGER, &l, sizeof l);
        m_client->abort();
        m_upstream->abort();
    } else {
        m_client->disconnectFromHost();
        m_upstream->disconnectFromHost();
    }
    checkFinished();
}

void LinkConnection::checkFinished() {
    if (m_finished)
        return;
    const bool bothWays = m_down.toClosed && m_up.toClosed;
    if (!bothWays)
        return;
    m_finished = true;
    Q_EMIT finished();
}
