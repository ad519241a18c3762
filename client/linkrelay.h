#pragma once

#include "linkconditions.h"
#include "linkschedule.h"

#include <QtCore/QObject>
#include <QtCore/QString>

#include <vector>

class LinkConnection;
class QTcpServer;
class QTimer;

// The network lab's link for one lane: a TCP relay on 127.0.0.1 that forwards every
// connection to the server through LinkConditions (latency, bandwidth, loss as stalls, drops,
// a buffering proxy, an idle-timeout proxy). In-process, no root: the client is pointed at
// url() instead of the server. Lives on one thread (LinkLab gives it its own).
class LinkRelay final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LinkRelay)

public:
    static constexpr int maxConnections = 256; // one lane's client needs a handful

    explicit LinkRelay(QObject *parent = nullptr);
    ~LinkRelay() override;

    // Listens on 127.0.0.1 (port 0: a free one). False (with errorString) if it cannot.
    bool listen(quint16 port = 0);
    quint16 port() const;
    QString errorString() const;
    void setUpstream(const QString &host, quint16 port);

    const LinkConditions &conditions() const { return m_schedule.conditions(); }
    // Applies to bytes from now on; a buffering proxy to connections made from now on.
    void setConditions(const LinkConditions &conditions);
    // Ends every connection now. Reported as a linkEvent when there was one to end.
    void dropNow(LinkConditions::DropMode mode);
    int connectionCount() const { return int(m_connections.size()); }
    int dropCount() const { return m_drops; }

Q_SIGNALS:
    // What the link did to this lane: a LinkEventType, in words; stallMs > 0 for a stall.
    void linkEvent(const QString &type, const QString &detail, qint64 stallMs);

private:
    void accept();
    void remove(LinkConnection *connection);
    void cutIdle();

    QTcpServer *m_listener = nullptr; // child
    QTimer *m_dropTimer = nullptr;    // child
    QTimer *m_idleTimer = nullptr;    // child
    LinkSchedule m_schedule;
    QString m_upstreamHost = QStringLiteral("127.0.0.1");
    quint16 m_upstreamPort = 0;
    std::vector<LinkConnection *> m_connections; // children
    int m_drops = 0;
};
