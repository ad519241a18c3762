#include "servercostmeter.h"

#include <QtTest/QtTest>

using PushLab::Pattern;

namespace {
// One figure per pattern, written in allPatterns order: {short, long, sse, ws}.
struct PerPattern {
    qint64 shortPoll = 0;
    qint64 longPoll = 0;
    qint64 sse = 0;
    qint64 ws = 0;

    qint64 of(Pattern p) const {
        switch (p) {
        case Pattern::ShortPoll:
            return shortPoll;
        case Pattern::LongPoll:
            return longPoll;
        case Pattern::ServerSentEvents:
            return sse;
        case Pattern::WebSocket:
            return ws;
        }
        return 0;
    }
};

ServerStats snapshot(qint64 startedAt, qint64 published, PerPattern requests, PerPattern bytes,
                     PerPattern open = {}) {
    ServerStats s;
    s.startedAtUs = startedAt;
    s.messagesPublished = published;
    s.patterns.forEach([&](Pattern p, ServerStats::PatternCounters &counters) {
        counters.requests = requests.of(p);
        counters.bytesOut = bytes.of(p);
        counters.delivered = published;
        counters.open = open.of(p);
    });
    return s;
}
} // namespace

class TestServerCostMeter : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void firstSnapshotHasNoRates();
    void ratesFromTwoSnapshots_data();
    void ratesFromTwoSnapshots();
    void restartStartsAfresh();
    void sameInstantIsIgnored();
    void fastSnapshotsAverageOverASecond();
    void historyStaysSmall();
};

void TestServerCostMeter::firstSnapshotHasNoRates() {
    ServerCostMeter meter;
    meter.add(snapshot(1, 0, {5, 5, 5}, {100, 100, 100}, {3, 2, 1}), 1000);
    QVERIFY(!meter.hasRates());
    QCOMPARE(meter.cost(Pattern::ShortPoll).open, 3);
    QCOMPARE(meter.cost(Pattern::ServerSentEvents).requestsPerSecond, 0.0);
}

void TestServerCostMeter::ratesFromTwoSnapshots_data() {
    QTest::addColumn<qint64>("elapsedMs");
    QTest::addColumn<double>("shortRequestsPerSecond");
    QTest::addColumn<double>("sseBytesPerSecond");
    // 1,000 short-poll requests and 64,000 SSE bytes between the two snapshots.
    QTest::newRow("one second") << qint64(1000) << 1000.0 << 64000.0;
    QTest::newRow("half a second") << qint64(500) << 2000.0 << 128000.0;
    QTest::newRow("two seconds") << qint64(2000) << 500.0 << 32000.0;
}

void TestServerCostMeter::ratesFromTwoSnapshots() {
    QFETCH(qint64, elapsedMs);
    QFETCH(double, shortRequestsPerSecond);
    QFETCH(double, sseBytesPerSecond);
    ServerCostMeter meter;
    meter.add(snapshot(1, 10, {100, 50, 1}, {0, 0, 0}), 5000);
    meter.add(snapshot(1, 10, {1100, 50, 1}, {0, 0, 64000}, {1000, 0, 7}), 5000 + elapsedMs);
    QVERIFY(meter.hasRates());
    QCOMPARE(meter.cost(Pattern::ShortPoll).requestsPerSecond, shortRequestsPerSecond);
    QCOMPARE(meter.cost(Pattern::LongPoll).requestsPerSecond, 0.0);
    QCOMPARE(meter.cost(Pattern::ServerSentEvents).bytesPerSecond, sseBytesPerSecond);
    QCOMPARE(meter.cost(Pattern::ShortPoll).open, 1000);
    QCOMPARE(meter.cost(Pattern::ServerSentEvents).open, 7);
}

void TestServerCostMeter::restartStartsAfresh() {
    ServerCostMeter meter;
    meter.add(snapshot(1, 10, {100, 100, 100}, {9000, 9000, 9000}), 0);
    meter.add(snapshot(1, 12, {200, 100, 100}, {9000, 9000, 9000}), 1000);
    QCOMPARE(meter.cost(Pattern::ShortPoll).requestsPerSecond, 100.0);
    // A new run: counters start again from zero; no negative rates, no rates until the next.
    meter.add(snapshot(2, 0, {3, 0, 0}, {300, 0, 0}), 2000);
    QVERIFY(!meter.hasRates());
    QCOMPARE(meter.cost(Pattern::ShortPoll).requestsPerSecond, 0.0);
    meter.add(snapshot(2, 0, {13, 0, 0}, {1300, 0, 0}), 3000);
    QCOMPARE(meter.cost(Pattern::ShortPoll).requestsPerSecond, 10.0);
    QCOMPARE(meter.cost(Pattern::ShortPoll).bytesPerSecond, 1000.0);
}

void TestServerCostMeter::sameInstantIsIgnored() {
    ServerCostMeter meter;
    meter.add(snapshot(1, 0, {0, 0, 0}, {0, 0, 0}), 1000);
    meter.add(snapshot(1, 0, {50, 0, 0}, {0, 0, 0}), 2000);
    meter.add(snapshot(1, 0, {999, 0, 0}, {0, 0, 0}), 2000); // no time passed: no division by zero
    QCOMPARE(meter.cost(Pattern::ShortPoll).requestsPerSecond, 50.0);
}

void TestServerCostMeter::fastSnapshotsAverageOverASecond() {
    // Polled every 250 ms; 60 short pollers ask once a second, all in one burst just after
    // each whole second. Between two snapshots that is 240 /s or 0 /s; a user should read 60.
    ServerCostMeter meter;
    qint64 requests = 0;
    QList<double> shown;
    for (qint64 t = 0; t <= 3000; t += 250) {
        if (t % 1000 == 250)
            requests += 60; // the burst landed in the quarter before this snapshot
        meter.add(snapshot(1, 0, {requests, 0, 0}, {0, 0, 0}), t);
        if (t >= 1000)
            shown.append(meter.cost(Pattern::ShortPoll).requestsPerSecond);
    }
    for (double rate : shown)
        QCOMPARE(rate, 60.0);
    QCOMPARE(shown.size(), 9);
}

void TestServerCostMeter::historyStaysSmall() {
    // Snapshots every 10 ms for a minute: a second's worth is kept, not a minute's, the rate
    // is still over the last second, and a restart still starts afresh.
    ServerCostMeter meter;
    for (qint64 t = 0; t <= 60000; t += 10) {
        meter.add(snapshot(1, 0, {t / 10, 0, 0}, {0, 0, 0}), t); // 100 requests a second
        QVERIFY(meter.snapshotsKept() <= 102);
    }
    QCOMPARE(meter.cost(Pattern::ShortPoll).requestsPerSecond, 100.0);
    meter.add(snapshot(2, 0, {0, 0, 0}, {0, 0, 0}), 60010);
    QVERIFY(!meter.hasRates());
}

QTEST_GUILESS_MAIN(TestServerCostMeter)
#include "tst_servercostmeter.moc"
