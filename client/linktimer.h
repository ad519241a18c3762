#pragma once

#include <QtCore/QObject>

class QSocketNotifier;

// A one-shot timer at a microsecond deadline (LinkSchedule's clock) for the network lab: a
// QTimer counts whole milliseconds and may fire a millisecond late, which on a LAN preset's
// 1 ms is the whole latency again. A Linux timerfd, watched by the thread's event loop.
class LinkTimer final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LinkTimer)

public:
    explicit LinkTimer(QObject *parent = nullptr);
    ~LinkTimer() override;

    void start(qint64 dueUs); // replaces any deadline set before
    void stop();
    bool isActive() const { return m_active; }

Q_SIGNALS:
    void timeout();

private:
    int m_fd = -1;
    QSocketNotifier *m_notifier = nullptr; // child
    bool m_active = false;
};
