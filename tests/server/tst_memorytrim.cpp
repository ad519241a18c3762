// MemoryTrim: when the server gives freed heap back to the system, and that it really does.
#include "memorytrim.h"

#include <QtCore/QFile>
#include <QtTest/QTest>

#include <memory>
#include <vector>

class TestMemoryTrim final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void trimsOnlyWhatIsWorthIt();
    void looksAtMostOncePerInterval();
    void looksSoonAfterTheLoopEmpties();
    void givesFreedHeapBackToTheSystem();
};

namespace {
struct Fake {
    qint64 freeBytes = 0;
    int trims = 0;
    MemoryTrim::Hooks hooks() {
        return {[this] { return freeBytes; }, [this] { ++trims; }};
    }
    // The server's own settings: look every 10 s, trim past 16 MiB free.
    MemoryTrim trimmer() { return MemoryTrim(hooks(), 10'000, 16 << 20); }
};

// The rate limit is process-wide: each test runs on its own stretch of the clock.
qint64 clockFor(int test) {
    return qint64(test) * 1'000'000'000;
}

qint64 residentKiB() {
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    }
    return -1;
}
} // namespace

void TestMemoryTrim::trimsOnlyWhatIsWorthIt() {
    using Outcome = MemoryTrim::Outcome;
    Fake fake;
    MemoryTrim trim = fake.trimmer();
    const qint64 t = clockFor(1);
    fake.freeBytes = 1 << 20;
    QCOMPARE(trim.afterSweep(5, t), Outcome::NothingToTrim);
    QCOMPARE(fake.trims, 0);
    fake.freeBytes = 64 << 20;
    QCOMPARE(trim.afterSweep(5, t + 10'000), Outcome::Trimmed);
    QCOMPARE(fake.trims, 1);
}

void TestMemoryTrim::looksAtMostOncePerInterval() {
    using Outcome = MemoryTrim::Outcome;
    Fake fake;
    fake.freeBytes = 64 << 20;
    MemoryTrim trim = fake.trimmer();
    const qint64 t = clockFor(2);
    QCOMPARE(trim.afterSweep(100, t), Outcome::Trimmed);
    for (qint64 later = 1'000; later < 10'000; later += 1'000)
        QCOMPARE(trim.afterSweep(100, t + later), Outcome::NotNow);
    // Another loop's sweep shares the limit.
    MemoryTrim otherLoop = fake.trimmer();
    QCOMPARE(otherLoop.afterSweep(100, t + 9'000), Outcome::NotNow);
    QCOMPARE(fake.trims, 1);
    QCOMPARE(trim.afterSweep(100, t + 10'000), Outcome::Trimmed);
    QCOMPARE(fake.trims, 2);
}

void TestMemoryTrim::looksSoonAfterTheLoopEmpties() {
    using Outcome = MemoryTrim::Outcome;
    Fake fake;
    fake.freeBytes = 64 << 20;
    MemoryTrim trim = fake.trimmer();
    const qint64 t = clockFor(3);
    QCOMPARE(trim.afterSweep(5'000, t), Outcome::Trimmed);
    // The crowd leaves 200 ms later: the look is due a tenth of the interval after the last.
    QCOMPARE(trim.afterSweep(0, t + 200), Outcome::Later);
    QCOMPARE(trim.afterSweep(0, t + 600), Outcome::Later);
    QCOMPARE(trim.afterSweep(0, t + 1'000), Outcome::Trimmed);
    QCOMPARE(fake.trims, 2);
    // Still empty: nothing more is due until the interval has passed (the loop may stop).
    QCOMPARE(trim.afterSweep(0, t + 2'000), Outcome::NotNow);
}

void TestMemoryTrim::givesFreedHeapBackToTheSystem() {
#if defined(__SANITIZE_ADDRESS__) || !defined(__GLIBC__)
    QSKIP("glibc's allocator only (a sanitizer brings its own)");
#endif
    // What a crowd leaves behind: many small blocks freed, a few kept, so that glibc cannot give
    // the pages back by shrinking the heap's top.
    constexpr int blocks = 200'000, blockBytes = 400;
    std::vector<std::unique_ptr<char[]>> kept;
    {
        std::vector<std::unique_ptr<char[]>> all(blocks);
        for (auto &b : all) {
            b = std::make_unique<char[]>(blockBytes);
            std::fill_n(b.get(), blockBytes, 'x');
        }
        for (int i = 0; i < blocks; i += 64)
            kept.push_back(std::move(all[i]));
    }
    const qint64 before = residentKiB();
    MemoryTrim trim(MemoryTrim::systemHooks(), 10'000, 16 << 20);
    QCOMPARE(trim.afterSweep(1, clockFor(4)), MemoryTrim::Outcome::Trimmed);
    const qint64 after = residentKiB();
    qInfo("resident: %lld KiB before the trim, %lld KiB after", before, after);
    QVERIFY2(before - after > 40 * 1024, "the trim should return most of the 76 MiB freed");
    QCOMPARE(int(kept.size()), (blocks + 63) / 64);
}

QTEST_GUILESS_MAIN(TestMemoryTrim)
#include "tst_memorytrim.moc"
