#include "epolleventdispatcher.h"

#include "clock.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QLoggingCategory>
#include <QtCore/QSocketNotifier>

#include <cerrno>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcDispatcher, "pushlab.server.dispatcher", QtWarningMsg)

EpollEventDispatcher::EpollEventDispatcher(QObject *parent)
    : QAbstractEventDispatcher(parent)
    , m_epoll(::epoll_create1(EPOLL_CLOEXEC))
    , m_wakeFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
    if (m_epoll < 0 || m_wakeFd < 0)
        qFatal("EpollEventDispatcher: cannot create epoll or eventfd (errno %d)", errno);
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.fd = m_wakeFd;
    ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_wakeFd, &event);
}

EpollEventDispatcher::~EpollEventDispatcher() {
    ::close(m_wakeFd);
    ::close(m_epoll);
}

bool EpollEventDispatcher::processEvents(QEventLoop::ProcessEventsFlags flags) {
    m_interrupted.store(false);
    Q_EMIT awake();
    QCoreApplication::sendPostedEvents();

    const bool canWait =
        (flags & QEventLoop::WaitForMoreEvents) && !m_interrupted.load() && !m_wakePending.load();
    int timeout = 0;
    if (canWait) {
        timeout = nextTimeoutMs();
        Q_EMIT aboutToBlock();
    }

    epoll_event events[512];
    int ready = ::epoll_wait(m_epoll, events, 512, timeout);
    if (ready < 0 && errno != EINTR)
        qCWarning(lcDispatcher, "epoll_wait failed: errno %d", errno);
    if (canWait)
        Q_EMIT awake();

    bool handled = false;
    for (int i = 0; i < ready; ++i) {
        const int fd = events[i].data.fd;
        if (fd == m_wakeFd) {
            eventfd_t value = 0;
            ::eventfd_read(m_wakeFd, &value);
            m_wakePending.store(false);
            continue;
        }
        if (flags & QEventLoop::ExcludeSocketNotifiers)
            continue; // level-triggered: reported again next time
        deliver(fd, events[i].events);
        handled = true;
    }
    if (!(flags & QEventLoop::X11ExcludeTimers))
        handled = fireTimers() || handled;
    QCoreApplication::sendPostedEvents();
    return handled;
}

EpollEventDispatcher *EpollEventDispatcher::current() {
    return qobject_cast<EpollEventDispatcher *>(QAbstractEventDispatcher::instance());
}

void EpollEventDispatcher::hookReads(int fd, ReadHook *hook, void *context) {
    const auto it = m_fds.find(fd);
    if (it == m_fds.end())
        return; // nothing registered: nothing to offer
    it->second.hook = hook;
    it->second.hookContext = context;
}

void EpollEventDispatcher::unhookReads(int fd, void *context) {
    const auto it = m_fds.find(fd);
    if (it != m_fds.end() && it->second.hookContext == context) {
        it->second.hook = nullptr;
        it->second.hookContext = nullptr;
    }
}

void EpollEventDispatcher::deliver(int fd, uint32_t events) {
    // Look the notifiers up afresh before each delivery: the previous one may have deleted them.
    const auto send = [this, fd](QSocketNotifier *Notifiers::*which) {
        const auto it = m_fds.find(fd);
        if (it == m_fds.end())
            return;
        QSocketNotifier *notifier = it->second.*which;
        if (!notifier || !notifier->isEnabled())
            return;
        QEvent event(QEvent::SockAct);
        QCoreApplication::sendEvent(notifier, &event);
    };
    if (events & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP)) {
        // Plain incoming data goes to the hook first; an end or an error always to Qt.
        const auto it = m_fds.find(fd);
        const bool taken = it != m_fds.end() && it->second.hook && it->second.read &&
                           it->second.read->isEnabled() &&
                           !(events & (EPOLLHUP | EPOLLERR | EPOLLRDHUP)) &&
                           it->second.hook->takeRead(fd, it->second.hookContext);
        if (!taken)
            send(&Notifiers::read);
    }
    if (events & (EPOLLOUT | EPOLLHUP | EPOLLERR))
        send(&Notifiers::write);
    if (events & EPOLLPRI)
        send(&Notifiers::exception);
}

void EpollEventDispatcher::registerSocketNotifier(QSocketNotifier *notifier) {
    const int fd = int(notifier->socket());
    const bool existed = m_fds.count(fd) != 0;
    Notifiers &n = m_fds[fd];
    switch (notifier->type()) {
    case QSocketNotifier::Read:
        n.read = notifier;
        break;
    case QSocketNotifier::Write:
        n.write = notifier;
        break;
    case QSocketNotifier::Exception:
        n.exception = notifier;
        break;
    }
    updateEpoll(fd, n, existed);
}

void EpollEventDispatcher::unregisterSocketNotifier(QSocketNotifier *notifier) {
    const int fd = int(notifier->socket());
    const auto it = m_fds.find(fd);
    if (it == m_fds.end())
        return;
    Notifiers &n = it->second;
    if (n.read == notifier)
        n.read = nullptr;
    if (n.write == notifier)
        n.write = nullptr;
    if (n.exception == notifier)
        n.exception = nullptr;
    if (!n.read && !n.write && !n.exception) {
        ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr); // EBADF if already closed: fine
        m_fds.erase(it);
        return;
    }
    updateEpoll(fd, n, true);
}

void EpollEventDispatcher::updateEpoll(int fd, const Notifiers &n, bool existed) {
    epoll_event event{};
    event.data.fd = fd;
    if (n.read)
        event.events |= EPOLLIN | EPOLLRDHUP;
    if (n.write)
        event.events |= EPOLLOUT;
    if (n.exception)
        event.events |= EPOLLPRI;
    // A descriptor closed and reopened under the same number may or may not still be known
    // to epoll: fall back between ADD and MOD.
    int result = ::epoll_ctl(m_epoll, existed ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &event);
    if (result != 0 && errno == ENOENT)
        result = ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &event);
    else if (result != 0 && errno == EEXIST)
        result = ::epoll_ctl(m_epoll, EPOLL_CTL_MOD, fd, &event);
    if (result != 0)
        qCWarning(lcDispatcher, "epoll_ctl for fd %d failed: errno %d", fd, errno);
}

void EpollEventDispatcher::registerTimer(int timerId, qint64 interval, Qt::TimerType timerType,
                                         QObject *object) {
    Timer t;
    t.object = object;
    t.intervalMs = interval;
    t.type = timerType;
    t.deadlineMs = PushLab::monotonicMs() + interval;
    m_timers[timerId] = t;
}

bool EpollEventDispatcher::unregisterTimer(int timerId) {
    return m_timers.erase(timerId) != 0;
}

bool EpollEventDispatcher::unregisterTimers(QObject *object) {
    bool any = false;
    for (auto it = m_timers.begin(); it != m_timers.end();) {
        if (it->second.object == object) {
            it = m_timers.erase(it);
            any = true;
        } else {
            ++it;
        }
    }
    return any;
}

QList<QAbstractEventDispatcher::TimerInfo>
EpollEventDispatcher::registeredTimers(QObject *object) const {
    QList<TimerInfo> list;
    for (const auto &entry : m_timers) {
        if (entry.second.object == object)
            list.append(TimerInfo(entry.first, int(entry.second.intervalMs), entry.second.type));
    }
    return list;
}

int EpollEventDispatcher::remainingTime(int timerId) {
    const auto it = m_timers.find(timerId);
    if (it == m_timers.end())
        return -1;
    return int(qMax<qint64>(0, it->second.deadlineMs - PushLab::monotonicMs()));
}

int EpollEventDispatcher::nextTimeoutMs() const {
    if (m_timers.empty())
        return -1;
    const qint64 now = PushLab::monotonicMs();
    qint64 soonest = std::numeric_limits<qint64>::max();
    for (const auto &entry : m_timers) {
        if (!entry.second.firing)
            soonest = qMin(soonest, entry.second.deadlineMs);
    }
    if (soonest == std::numeric_limits<qint64>::max())
        return -1;
    return int(qBound<qint64>(0, soonest - now, 24LL * 3600 * 1000));
}

bool EpollEventDispatcher::fireTimers() {
    if (m_timers.empty())
        return false;
    const qint64 now = PushLab::monotonicMs();
    std::vector<int> due;
    for (const auto &entry : m_timers) {
        if (!entry.second.firing && entry.second.deadlineMs <= now)
            due.push_back(entry.first);
    }
    for (int id : due) {
        auto it = m_timers.find(id);
        if (it == m_timers.end() || it->second.firing)
            continue; // unregistered, or busy, meanwhile
        Timer &t = it->second;
        // Next deadline on the original grid, unless we fell behind by a whole interval.
        t.deadlineMs += qMax<qint64>(1, t.intervalMs);
        if (t.deadlineMs <= now)
            t.deadlineMs = now + t.intervalMs;
        t.firing = true;
        QObject *object = t.object;
        QTimerEvent event(id);
        QCoreApplication::sendEvent(object, &event);
        it = m_timers.find(id); // the handler may have killed or restarted it
        if (it != m_timers.end())
            it->second.firing = false;
    }
    return !due.empty();
}

void EpollEventDispatcher::wakeUp() {
    // Called from any thread (postEvent). One write is enough until it is drained.
    if (!m_wakePending.exchange(true))
        ::eventfd_write(m_wakeFd, 1);
}

void EpollEventDispatcher::interrupt() {
    m_interrupted.store(true);
    wakeUp();
}
