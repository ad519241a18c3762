#include "linklab.h"

#include "clock.h"
#include "linkrelay.h"

#include <QtCore/QThread>

using PushLab::Pattern;

LinkLab::LinkLab(QObject *parent)
    : QObject(parent)
    , m_thread(new QThread(this)) {
    m_thread->setObjectName(QStringLiteral("PushLab link lab"));
    for (Pattern p : PushLab::allPatterns) {
        auto *relay = new LinkRelay; // no parent: moved to the lab's thread
        relay->moveToThread(m_thread);
        m_relays[p] = relay;
        // Queued by nature (the relay lives on the lab's thread): the event reaches this
        // object's thread with its own copy.
        connect(relay, &LinkRelay::linkEvent, this,
                [this, p](const QString &type, const QString &detail, qint64 stallMs) {
                    Q_EMIT linkEvent(event(p, type, detail, stallMs));
                });
        connect(m_thread, &QThread::finished, relay, &QObject::deleteLater);
    }
    m_thread->start();
}

LinkLab::~LinkLab() {
    for (LinkRelay *relay : m_relays)
        relay->disconnect(this);
    m_thread->quit(); // the relays are deleted on their thread as it finishes
    m_thread->wait();
}

bool LinkLab::start(const QUrl &server, QString *error) {
    const QString host = server.host().isEmpty() ? QStringLiteral("127.0.0.1") : server.host();
    const quint16 port = quint16(server.port(80));
    bool ok = true;
    for (Pattern p : PushLab::allPatterns) {
        LinkRelay *relay = m_relays[p];
        quint16 listening = 0;
        QString why;
        // Blocking: the relay must be listening before a client is pointed at it.
        QMetaObject::invokeMethod(
            relay,
            [&] {
                relay->setUpstream(host, port);
                if (relay->port() == 0 && !relay->listen())
                    why = relay->errorString();
                listening = relay->port();
            },
            Qt::BlockingQueuedConnection);
        if (listening == 0) {
            ok = false;
            if (error)
                *error = tr("The network lab cannot listen on 127.0.0.1: %1").arg(why);
            break;
        }
        QUrl url = server;
        url.setHost(QStringLiteral("127.0.0.1"));
        url.setPort(listening);
        m_urls[p] = url;
    }
    m_started = ok;
    return ok;
}

TrafficEvent LinkLab::event(Pattern p, const QString &type, const QString &detail, qint64 stallMs) {
    TrafficEvent e;
    e.kind = TrafficEvent::Kind::Link;
    e.pattern = p;
    e.timeUs = PushLab::wallClockUs();
    e.eventType = type;
    e.detail = detail;
    e.delayMs = stallMs;
    return e;
}

void LinkLab::setConditions(Pattern p, const LinkConditions &conditions) {
    m_conditions[p] = conditions;
    LinkRelay *relay = m_relays[p];
    // Across threads: the relay applies it on its own.
    QMetaObject::invokeMethod(relay, [relay, conditions] { relay->setConditions(conditions); });
}

void LinkLab::setAllConditions(const LinkConditions &conditions) {
    for (Pattern p : PushLab::allPatterns)
        setConditions(p, conditions);
}

void LinkLab::dropNow(Pattern p, LinkConditions::DropMode mode) {
    LinkRelay *relay = m_relays[p];
    // Across threads: the relay drops its connections on its own.
    QMetaObject::invokeMethod(relay, [relay, mode] { relay->dropNow(mode); });
}
