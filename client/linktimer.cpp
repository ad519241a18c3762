#include "linktimer.h"

#include <QtCore/QSocketNotifier>

#include <sys/timerfd.h>
#include <unistd.h>

#include <cstdint>

LinkTimer::LinkTimer(QObject *parent)
    : QObject(parent)
    , m_fd(::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC)) {
    if (m_fd < 0)
        qFatal("timerfd_create failed"); // out of file descriptors: nothing sensible to do
    m_notifier = new QSocketNotifier(m_fd, QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, [this] {
        std::uint64_t expirations = 0;
        if (::read(m_fd, &expirations, sizeof expirations) != sizeof expirations)
            return; // disarmed meanwhile
        m_active = false;
        Q_EMIT timeout();
    });
}

LinkTimer::~LinkTimer() {
    delete m_notifier;
    ::close(m_fd);
}

void LinkTimer::start(qint64 dueUs) {
    // LinkSchedule's clock is steady_clock, which is CLOCK_MONOTONIC on Linux. A deadline
    // already past still fires (a zero it_value would disarm instead).
    itimerspec spec{};
    const qint64 due = qMax<qint64>(dueUs, 1);
    spec.it_value.tv_sec = time_t(due / 1'000'000);
    spec.it_value.tv_nsec = long(due % 1'000'000) * 1000;
    ::timerfd_settime(m_fd, TFD_TIMER_ABSTIME, &spec, nullptr);
    m_active = true;
}

void LinkTimer::stop() {
    const itimerspec spec{};
    ::timerfd_settime(m_fd, 0, &spec, nullptr);
    std::uint64_t expirations = 0;
    (void)::read(m_fd, &expirations, sizeof expirations); // one that fired but is unread
    m_active = false;
}
