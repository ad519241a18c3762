#pragma once

#include "linkconditions.h"
#include "linkproxybuffer.h"
#include "linkschedule.h"

#include <QtCore/QObject>

#include <deque>
#include <memory>

class LinkTimer;
class QTcpSocket;

// One client connection through the network lab's relay: the accepted socket, its own
// connection to the server, and each way's bytes queued until the link delivers them.
// Bounded: a way holding maxQueuedBytes reads no more, so a slow link pushes back on the
// sender as TCP would (the server then sees its own unsent bytes grow).
class LinkConnection final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LinkConnection)

public:
    static constexpr qint64 maxQueuedBytes = 1 << 20;

    // Takes ownership of client; connects to host:port at once.
    LinkConnection(QTcpSocket *client, const QString &host, quint16 port, LinkSchedule *schedule,
                   QObject *parent);
    ~LinkConnection() override;

    // Ends both sides now; what was in flight is lost, as with a real connection.
    void drop(LinkConditions::DropMode mode);
    // When a byte last moved either way (LinkSchedule::nowUs clock).
    qint64 lastActivityUs() const { return m_lastActivityUs; }
    bool isStreamHeld() const { return m_proxy && m_proxy->isHoldingStream(); }

Q_SIGNALS:
    // What the link did: a LinkEventType, in words; stallMs for stalls.
    void linkEvent(const QString &type, const QString &detail, qint64 stallMs);
    void finished(); // both sides are closed; the relay deletes this

private:
    struct Chunk {
        QByteArray bytes;
        qint64 dueUs = 0;
    };
    struct Way {
        LinkSchedule::Way way = LinkSchedule::Way::Down;
        QTcpSocket *from = nullptr;
        QTcpSocket *to = nullptr;
        std::deque<Chunk> queue;
        qint64 queuedBytes = 0;
        qint64 lastDueUs = 0;
        bool fromClosed = false; // FIN seen: pass it on once the queue is delivered
        bool toClosed = false;
        LinkTimer *timer = nullptr;
    };

    void readFrom(Way &w, bool everything = false);
    void enqueue(Way &w, QByteArray bytes);
    void deliver(Way &w);
    void armTimer(Way &w);
    void sourceClosed(Way &w);
    void checkFinished();

    LinkSchedule *m_schedule = nullptr;
    QTcpSocket *m_client = nullptr;   // child
    QTcpSocket *m_upstream = nullptr; // child
    Way m_down;
    Way m_up;
    std::unique_ptr<LinkProxyBuffer> m_proxy; // the buffering proxy, when the link has one
    qint64 m_lastActivityUs = 0;
    bool m_finished = false;
};
