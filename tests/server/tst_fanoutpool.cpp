// FanOutPool and SendRing: every write is sent exactly once, whichever thread takes it and
// whether through io_uring or send(2), and what the kernel said about it comes back to the
// caller.

#include "fanoutpool.h"

#include <QtTest/QtTest>

#include <cerrno>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

class TestFanOutPool : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void everyWriteSentOnceOverManyRounds_data();
    void everyWriteSentOnceOverManyRounds();
    void reportsFullAndVanishedPeers();
    void sendRingEitherWay_data();
    void sendRingEitherWay();
};

namespace {

struct Pair {
    int ours = -1;
    int theirs = -1;
};

std::vector<Pair> makePairs(int count) {
    std::vector<Pair> pairs;
    for (int i = 0; i < count; ++i) {
        int fds[2];
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) != 0)
            break;
        pairs.push_back(Pair{fds[0], fds[1]});
    }
    return pairs;
}

void closeAll(const std::vector<Pair> &pairs) {
    for (const Pair &p : pairs) {
        ::close(p.ours);
        if (p.theirs >= 0)
            ::close(p.theirs);
    }
}

QByteArray drain(int fd) {
    QByteArray got;
    char buffer[4096];
    ssize_t n = 0;
    while ((n = ::read(fd, buffer, sizeof buffer)) > 0)
        got.append(buffer, n);
    return got;
}

} // namespace

void TestFanOutPool::everyWriteSentOnceOverManyRounds_data() {
    QTest::addColumn<int>("helpers");
    QTest::newRow("no helper: the caller alone") << 0;
    QTest::newRow("one helper") << 1;
    QTest::newRow("three helpers") << 3;
}

void TestFanOutPool::everyWriteSentOnceOverManyRounds() {
    QFETCH(int, helpers);
    const std::vector<Pair> pairs = makePairs(300);
    QCOMPARE(int(pairs.size()), 300);
    FanOutPool pool(helpers);
    QCOMPARE(pool.helpers(), helpers);
    const QByteArray even = "id: 1\ndata: even\n\n";
    const QByteArray odd = "id: 1\ndata: odd, a little longer\n\n";
    for (int round = 0; round < 50; ++round) {
        std::vector<FanOutPool::Write> writes;
        for (std::size_t i = 0; i < pairs.size(); ++i)
            writes.push_back(FanOutPool::Write{pairs[i].ours, i % 2 ? &odd : &even, i});
        pool.send(writes);
        for (const FanOutPool::Write &w : writes) {
            QCOMPARE(w.sent, w.bytes->size());
            QCOMPARE(w.tag % 2 ? &odd : &even, w.bytes); // results stay with their write
        }
        for (std::size_t i = 0; i < pairs.size(); ++i)
            QCOMPARE(drain(pairs[i].theirs), i % 2 ? odd : even); // once, whole
    }
    std::vector<FanOutPool::Write> none;
    pool.send(none); // nothing to do is fine
    closeAll(pairs);
}

void TestFanOutPool::reportsFullAndVanishedPeers() {
    std::vector<Pair> pairs = makePairs(3);
    QCOMPARE(int(pairs.size()), 3);
    // pairs[1]: a peer that stopped reading, its buffer full; pairs[2]: a peer that is gone.
    const QByteArray filler(64 * 1024, 'x');
    while (::send(pairs[1].ours, filler.constData(), std::size_t(filler.size()),
                  MSG_NOSIGNAL | MSG_DONTWAIT) > 0) {
    }
    ::close(pairs[2].theirs);
    pairs[2].theirs = -1;
    FanOutPool pool(2);
    const QByteArray event = "data: x\n\n";
    std::vector<FanOutPool::Write> writes;
    for (std::size_t i = 0; i < pairs.size(); ++i)
        writes.push_back(FanOutPool::Write{pairs[i].ours, &event, i});
    pool.send(writes);
    QCOMPARE(writes[0].sent, event.size());
    QCOMPARE(writes[1].sent, -1);
    QVERIFY(writes[1].error == EAGAIN || writes[1].error == EWOULDBLOCK);
    QCOMPARE(writes[2].sent, -1);
    QCOMPARE(writes[2].error, EPIPE);
    closeAll(pairs);
}

void TestFanOutPool::sendRingEitherWay_data() {
    QTest::addColumn<bool>("ioUring");
    QTest::newRow("io_uring") << true;
    QTest::newRow("send(2)") << false;
}

void TestFanOutPool::sendRingEitherWay() {
    QFETCH(bool, ioUring);
    SendRing ring(ioUring);
    if (ioUring && !ring.usesIoUring())
        QSKIP("this build or kernel has no io_uring (liburing-dev, kernel.io_uring_disabled)");
    QCOMPARE(ring.usesIoUring(), ioUring);
    // More writes than one submission holds, a full peer and a vanished one among them, and
    // a last partial batch.
    std::vector<Pair> pairs = makePairs(int(SendRing::batch) * 3 + 5);
    QCOMPARE(pairs.size(), std::size_t(SendRing::batch) * 3 + 5);
    const QByteArray filler(64 * 1024, 'x');
    while (::send(pairs[70].ours, filler.constData(), std::size_t(filler.size()),
                  MSG_NOSIGNAL | MSG_DONTWAIT) > 0) {
    }
    ::close(pairs[130].theirs);
    pairs[130].theirs = -1;
    const QByteArray even = "id: 7\ndata: even\n\n";
    const QByteArray odd = "id: 7\ndata: odd, a little longer\n\n";
    for (int round = 0; round < 20; ++round) {
        std::vector<SendRing::Write> writes;
        for (std::size_t i = 0; i < pairs.size(); ++i)
            writes.push_back(SendRing::Write{pairs[i].ours, i % 2 ? &odd : &even, i});
        ring.send(writes.data(), writes.size());
        for (const SendRing::Write &w : writes) {
            QCOMPARE(w.bytes, w.tag % 2 ? &odd : &even); // results stay with their write
            if (w.tag == 70) {
                QCOMPARE(w.sent, -1);
                QVERIFY(w.error == EAGAIN || w.error == EWOULDBLOCK);
            } else if (w.tag == 130) {
                QCOMPARE(w.sent, -1);
                QCOMPARE(w.error, EPIPE);
            } else {
                QCOMPARE(w.sent, w.bytes->size());
                QCOMPARE(w.error, 0);
            }
        }
        for (std::size_t i = 0; i < pairs.size(); ++i) {
            if (i != 70 && i != 130)
                QCOMPARE(drain(pairs[i].theirs), i % 2 ? odd : even); // once, whole
        }
    }
    ring.send(nullptr, 0);                 // nothing to do is fine
    QCOMPARE(ring.usesIoUring(), ioUring); // and the ring is still in use
    closeAll(pairs);
}

QTEST_GUILESS_MAIN(TestFanOutPool)
#include "tst_fanoutpool.moc"
