#pragma once

#include "linkconditions.h"
#include "pattern.h"
#include "trafficevent.h"

#include <QtCore/QObject>
#include <QtCore/QUrl>

class LinkRelay;
class QThread;

// The network lab: one LinkRelay per lane, all on a thread of their own so that the window's
// painting never delays a byte. Used from one thread (the window's, or watch's): everything
// here forwards to the relays' thread.
class LinkLab final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LinkLab)

public:
    explicit LinkLab(QObject *parent = nullptr);
    ~LinkLab() override;

    // Starts the relays (once) in front of server; gives the URL each lane's client uses
    // instead, or an empty URL (with *error) when a relay cannot listen.
    bool start(const QUrl &server, QString *error);
    bool isStarted() const { return m_started; }
    QUrl url(PushLab::Pattern p) const { return m_urls[p]; }

    LinkConditions conditions(PushLab::Pattern p) const { return m_conditions[p]; }
    void setConditions(PushLab::Pattern p, const LinkConditions &conditions);
    void setAllConditions(const LinkConditions &conditions);
    void dropNow(PushLab::Pattern p, LinkConditions::DropMode mode);

    // A relay's linkEvent as the lane's TrafficEvent (Kind::Link), stamped now.
    static TrafficEvent event(PushLab::Pattern p, const QString &type, const QString &detail,
                              qint64 stallMs);

Q_SIGNALS:
    // TrafficEvent::Kind::Link, stamped on the lab's thread, delivered on ours.
    void linkEvent(const TrafficEvent &event);

private:
    QThread *m_thread = nullptr;               // child
    PushLab::PatternMap<LinkRelay *> m_relays; // live on m_thread; deleted there
    PushLab::PatternMap<QUrl> m_urls;
    PushLab::PatternMap<LinkConditions> m_conditions;
    bool m_started = false;
};
