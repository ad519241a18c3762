#pragma once

#include <QtCore/QAbstractEventDispatcher>

#include <atomic>
#include <unordered_map>
#include <vector>

// An event dispatcher on Linux epoll for the server's thread. Qt's default dispatchers
// (glib, and poll() without it) look at every registered socket on every wake-up, so with
// 10,000 open streams each message costs 10,000 checks before a byte moves; epoll reports
// only the sockets that are ready. Level-triggered, so a socket not handled this round is
// reported again on the next. The GUI thread keeps Qt's own dispatcher.
class EpollEventDispatcher final : public QAbstractEventDispatcher {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EpollEventDispatcher)

public:
    // Offered a socket's incoming bytes before its read notifier is: true when it took them
    // (the notifier is then not told), false to let the notifier (QTcpSocket) read as usual.
    class ReadHook {
    public:
        virtual bool takeRead(int fd, void *context) = 0;

    protected:
        ~ReadHook() = default;
    };

    // The dispatcher of the calling thread, when it is one of these.
    static EpollEventDispatcher *current();

    explicit EpollEventDispatcher(QObject *parent = nullptr);
    ~EpollEventDispatcher() override;

    bool processEvents(QEventLoop::ProcessEventsFlags flags) override;

    void registerSocketNotifier(QSocketNotifier *notifier) override;
    void unregisterSocketNotifier(QSocketNotifier *notifier) override;

    void registerTimer(int timerId, qint64 interval, Qt::TimerType timerType,
                       QObject *object) override;
    bool unregisterTimer(int timerId) override;
    bool unregisterTimers(QObject *object) override;
    QList<TimerInfo> registeredTimers(QObject *object) const override;
    int remainingTime(int timerId) override;

    void wakeUp() override;
    void interrupt() override;

    // Offers fd's incoming bytes to `hook` first while fd has a read notifier here. Forgotten
    // when every notifier of fd is gone (the socket closed), or by unhookReads with the same
    // context, so a descriptor number used again later is never offered to the old owner.
    void hookReads(int fd, ReadHook *hook, void *context);
    void unhookReads(int fd, void *context);

private:
    struct Notifiers {
        QSocketNotifier *read = nullptr;
        QSocketNotifier *write = nullptr;
        QSocketNotifier *exception = nullptr;
        ReadHook *hook = nullptr;
        void *hookContext = nullptr;
    };
    struct Timer {
        QObject *object = nullptr;
        qint64 intervalMs = 0;
        Qt::TimerType type = Qt::CoarseTimer;
        qint64 deadlineMs = 0;
        bool firing = false; // in its timerEvent: not fired again from a nested loop
    };

    void updateEpoll(int fd, const Notifiers &n, bool existed);
    int nextTimeoutMs() const;
    bool fireTimers();
    void deliver(int fd, uint32_t events);

    int m_epoll = -1;
    int m_wakeFd = -1;
    std::atomic<bool> m_wakePending{false};
    std::atomic<bool> m_interrupted{false};
    std::unordered_map<int, Notifiers> m_fds;
    std::unordered_map<int, Timer> m_timers;
};
