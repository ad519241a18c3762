#include "linkrelay.h"

#include "linkconnection.h"
#include "units.h"

#include <QtCore/QTimer>
#include <QtNetwork/QTcpServer>
#include <QtNetwork/QTcpSocket>

#include <algorithm>

namespace {
constexpr int idleCheckMs = 100;
}

LinkRelay::LinkRelay(QObject *parent)
    : QObject(parent)
    , m_listener(new QTcpServer(this))
    , m_dropTimer(new QTimer(this))
    , m_idleTimer(new QTimer(this)) {
    connect(m_listener, &QTcpServer::newConnection, this, &LinkRelay::accept);
    connect(m_dropTimer, &QTimer::timeout, this, [this] { dropNow(conditions().dropMode); });
    m_idleTimer->setInterval(idleCheckMs);
    connect(m_idleTimer, &QTimer::timeout, this, &LinkRelay::cutIdle);
}

LinkRelay::~LinkRelay() {
    for (LinkConnection *c : m_connections)
        c->disconnect(this);
}

bool LinkRelay::listen(quint16 port) {
    return m_listener->listen(QHostAddress::LocalHost, port);
}

quint16 LinkRelay::port() const {
    return m_listener->serverPort();
}

QString LinkRelay::errorString() const {
    return m_listener->errorString();
}

void LinkRelay::setUpstream(const QString &host, quint16 port) {
    m_upstreamHost = host;
    m_upstreamPort = port;
}

void LinkRelay::setConditions(const LinkConditions &conditions) {
    const bool dropScheduleChanged =
        conditions.dropEverySeconds != m_schedule.conditions().dropEverySeconds;
    m_schedule.setConditions(conditions);
    if (dropScheduleChanged || !m_dropTimer->isActive()) {
        if (conditions.dropEverySeconds > 0)
            m_dropTimer->start(int(conditions.dropEverySeconds * 1000));
        else
            m_dropTimer->stop();
    }
    if (conditions.idleTimeoutSeconds > 0)
        m_idleTimer->start();
    else
        m_idleTimer->stop();
}

void LinkRelay::accept() {
    while (QTcpSocket *socket = m_listener->nextPendingConnection()) {
        if (int(m_connections.size()) >= maxConnections) {
            socket->abort();
            socket->deleteLater();
            continue;
        }
        auto *c = new LinkConnection(socket, m_upstreamHost, m_upstreamPort, &m_schedule, this);
        m_connections.push_back(c);
        connect(c, &LinkConnection::linkEvent, this, &LinkRelay::linkEvent);
        connect(c, &LinkConnection::finished, this, [this, c] { remove(c); });
    }
}

void LinkRelay::remove(LinkConnection *connection) {
    const auto it = std::find(m_connections.begin(), m_connections.end(), connection);
    if (it == m_connections.end())
        return;
    m_connections.erase(it);
    connection->disconnect(this);
    connection->deleteLater(); // it may be inside one of its own slots
}

void LinkRelay::dropNow(LinkConditions::DropMode mode) {
    const std::vector<LinkConnection *> open = m_connections;
    if (open.empty())
        return;
    ++m_drops;
    for (LinkConnection *c : open)
        c->drop(mode);
    Q_EMIT linkEvent(QLatin1String(LinkEventType::drop),
                     mode == LinkConditions::DropMode::Reset
                         ? tr("Link dropped: %n connection(s) reset", nullptr, int(open.size()))
                         : tr("Link dropped: %n connection(s) closed", nullptr, int(open.size())),
                     0);
}

void LinkRelay::cutIdle() {
    const qint64 limitUs = qint64(conditions().idleTimeoutSeconds * 1e6);
    const qint64 now = LinkSchedule::nowUs();
    const std::vector<LinkConnection *> open = m_connections;
    for (LinkConnection *c : open) {
        if (now - c->lastActivityUs() < limitUs)
            continue;
        c->drop(LinkConditions::DropMode::Close);
        Q_EMIT linkEvent(
            QLatin1String(LinkEventType::idleCut),
            tr("Idle-timeout proxy cut a connection silent for %1").arg(Units::duration(limitUs)),
            0);
    }
}
