// The epoll dispatcher behind the server's thread, exercised the way Qt uses a dispatcher:
// timers, socket notifiers, posted and cross-thread events, nested loops, deleteLater.

#include "epolleventdispatcher.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QEventLoop>
#include <QtCore/QPointer>
#include <QtCore/QSemaphore>
#include <QtCore/QThread>
#include <QtCore/QTimer>
#include <QtNetwork/QTcpServer>
#include <QtNetwork/QTcpSocket>
#include <QtTest/QtTest>

#include <atomic>
#include <functional>
#include <thread>

namespace {

// How long a loop that should be awake may take to answer before the test calls it stuck.
constexpr int stuckLoopMs = 10000;

// Runs `work` inside a thread whose event loop is driven by EpollEventDispatcher, and returns
// what it reported. `work` gets a quit function to call when done.
QString runOnEpollThread(const std::function<void(std::function<void(QString)>)> &work,
                         int timeoutMs = 10000) {
    QThread thread;
    thread.setEventDispatcher(new EpollEventDispatcher);
    QString result = QStringLiteral("timed out");
    QObject anchor;
    anchor.moveToThread(&thread);
    thread.start();
    QMetaObject::invokeMethod(&anchor, [&] {
        work([&](QString r) {
            result = std::move(r);
            QThread::currentThread()->quit();
        });
    });
    if (!thread.wait(timeoutMs)) {
        thread.quit();
        // A loop that cannot even be told to quit would otherwise hang the test to CTest's limit.
        if (!thread.wait(stuckLoopMs))
            qFatal("the epoll loop did not quit within %d ms of being asked (a lost wake-up?)",
                   stuckLoopMs);
    }
    return result;
}

} // namespace

class TestEpollEventDispatcher : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void singleShotAndRepeatingTimers();
    void timerStoppedInItsOwnHandler();
    void socketsTalkThroughNotifiers();
    void crossThreadCallsWakeTheLoop();
    void nestedLoopAndDeleteLater();
};

void TestEpollEventDispatcher::singleShotAndRepeatingTimers() {
    const QString r = runOnEpollThread([](auto done) {
        auto *repeating = new QTimer;
        auto *count = new int(0);
        QObject::connect(repeating, &QTimer::timeout, repeating, [=] {
            if (++*count == 5) {
                repeating->stop();
                QTimer::singleShot(30, repeating, [=] {
                    const int n = *count;
                    delete count;
                    repeating->deleteLater();
                    done(QStringLiteral("ticks %1").arg(n));
                });
            }
        });
        repeating->start(10);
    });
    QCOMPARE(r, QStringLiteral("ticks 5"));
}

void TestEpollEventDispatcher::timerStoppedInItsOwnHandler() {
    const QString r = runOnEpollThread([](auto done) {
        auto *timer = new QTimer;
        auto *fired = new int(0);
        QObject::connect(timer, &QTimer::timeout, timer, [=] {
            ++*fired;
            timer->stop();
            delete timer; // killed from inside its own timerEvent
        });
        timer->start(5);
        QTimer::singleShot(200, [=] {
            const int n = *fired;
            delete fired;
            done(QStringLiteral("fired %1").arg(n));
        });
    });
    QCOMPARE(r, QStringLiteral("fired 1"));
}

void TestEpollEventDispatcher::socketsTalkThroughNotifiers() {
    const QString r = runOnEpollThread([](auto done) {
        auto *server = new QTcpServer;
        server->listen(QHostAddress::LocalHost, 0);
        QObject::connect(server, &QTcpServer::newConnection, server, [server] {
            QTcpSocket *peer = server->nextPendingConnection();
            QObject::connect(peer, &QTcpSocket::readyRead, peer, [peer] {
                peer->write(peer->readAll().toUpper()); // echo, shouted
            });
        });
        auto *client = new QTcpSocket;
        auto *got = new QByteArray;
        const QByteArray big(512 * 1024, 'x'); // several write-notifier rounds
        QObject::connect(client, &QTcpSocket::connected, client,
                         [=] { client->write("hello " + big); });
        QObject::connect(client, &QTcpSocket::readyRead, client, [=] {
            *got += client->readAll();
            if (got->size() == 6 + big.size()) {
                const bool ok = got->startsWith("HELLO ") && got->endsWith("XXXX");
                client->disconnectFromHost();
                delete got;
                client->deleteLater();
                server->deleteLater();
                done(ok ? QStringLiteral("echoed") : QStringLiteral("garbled"));
            }
        });
        client->connectToHost(QHostAddress::LocalHost, server->serverPort());
    });
    QCOMPARE(r, QStringLiteral("echoed"));
}

void TestEpollEventDispatcher::crossThreadCallsWakeTheLoop() {
    constexpr int callCount = 200;
    QThread thread;
    thread.setEventDispatcher(new EpollEventDispatcher);
    QObject target;
    target.moveToThread(&thread);
    thread.start();
    std::atomic<int> calls{0};
    QSemaphore callerDone;
    // Each call blocks until the sleeping loop wakes and runs it, so a lost wake-up blocks the
    // caller for good: the calls come from a thread of their own and this one waits with a limit.
    std::thread caller([&] {
        for (int i = 0; i < callCount; ++i) {
            QMetaObject::invokeMethod(
                &target, [&calls] { ++calls; }, Qt::BlockingQueuedConnection);
        }
        callerDone.release();
    });
    if (!callerDone.tryAcquire(1, stuckLoopMs)) {
        // Leaving with the threads running would abort without a word: say what was seen.
        qFatal("lost wake-up: only %d of %d blocking cross-thread calls ran in %d ms", calls.load(),
               callCount, stuckLoopMs);
    }
    caller.join();
    QCOMPARE(calls.load(), callCount);
    thread.quit();
    QVERIFY(thread.wait(stuckLoopMs));
}

void TestEpollEventDispatcher::nestedLoopAndDeleteLater() {
    const QString r = runOnEpollThread([](auto done) {
        auto *victim = new QObject;
        QPointer<QObject> watch(victim);
        QTimer::singleShot(0, [=] {
            QEventLoop nested;
            QTimer::singleShot(20, &nested, &QEventLoop::quit);
            nested.exec(); // timers and posted events keep flowing inside
            victim->deleteLater();
            QTimer::singleShot(20, [=] {
                done(watch.isNull() ? QStringLiteral("deleted") : QStringLiteral("alive"));
            });
        });
    });
    QCOMPARE(r, QStringLiteral("deleted"));
}

QTEST_GUILESS_MAIN(TestEpollEventDispatcher)
#include "tst_epolleventdispatcher.moc"
