#include "latencystats.h"

#include <QtTest/QTest>

namespace {

constexpr quint64 run0 = 1'760'000'000'000'000;  // a server run's first id: its start time in µs
constexpr qint64 t0 = qint64(run0) + 60'000'000; // a minute into that run

TrafficEvent makeEvent(TrafficEvent::Kind kind, qint64 timeUs) {
    TrafficEvent e;
    e.kind = kind;
    e.pattern = PushLab::Pattern::LongPoll;
    e.timeUs = timeUs;
    return e;
}

// A poll answer received at timeUs carrying messages (id, latency in µs); each message was
// published latency µs before timeUs.
TrafficEvent answer(qint64 timeUs, const QList<QPair<quint64, qint64>> &messages,
                    qint64 bytes = 0) {
    TrafficEvent e = makeEvent(TrafficEvent::Kind::ResponseReceived, timeUs);
    e.status = 200;
    e.bytes = bytes;
    for (const auto &[id, latencyUs] : messages)
        e.messages.append(DeliveredMessage{id, QStringLiteral("m"), timeUs - latencyUs});
    return e;
}

} // namespace

class tst_LatencyStats : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void emptyIsAllZero();
    void latencyFigures_data();
    void latencyFigures();
    void histogramBucketsCoverEveryValue();
    void counters();
    void idSequence_data();
    void idSequence();
    void gapWithinARunCountsMissing();
    void gapAcrossServerRunsLosesNothing();
    void recentWindowForgetsOldDeliveries();
    void clearStartsOver();
};

void tst_LatencyStats::emptyIsAllZero() {
    LatencyStats stats;
    const LatencySummary s = stats.total();
    QCOMPARE(s.requests, 0);
    QCOMPARE(s.latencyCount, 0);
    QCOMPARE(s.minMs, 0.0);
    QCOMPARE(s.p99Ms, 0.0);
    QCOMPARE(stats.recent(t0).messages, 0);
}

void tst_LatencyStats::latencyFigures_data() {
    QTest::addColumn<QList<qint64>>("latenciesUs");
    QTest::addColumn<double>("min");
    QTest::addColumn<double>("mean");
    QTest::addColumn<double>("p50");
    QTest::addColumn<double>("p95");
    QTest::addColumn<double>("p99");
    QTest::addColumn<double>("max");

    QList<qint64> oneToHundredMs;
    for (int i = 1; i <= 100; ++i)
        oneToHundredMs.append(i * 1000);
    QTest::newRow("1..100 ms") << oneToHundredMs << 1.0 << 50.5 << 50.0 << 95.0 << 99.0 << 100.0;
    QTest::newRow("single value") << QList<qint64>{1234} << 1.234 << 1.234 << 1.234 << 1.234
                                  << 1.234 << 1.234;
    QList<qint64> skewed(99, 100);
    skewed.append(5'000'000);
    QTest::newRow("one slow outlier in 100")
        << skewed << 0.1 << (99 * 0.1 + 5000) / 100 << 0.1 << 0.1 << 0.1 << 5000.0;
    QList<qint64> tail(98, 200);
    tail << 70'000 << 80'000;
    QTest::newRow("tail shows in p99")
        << tail << 0.2 << (98 * 0.2 + 150) / 100 << 0.2 << 0.2 << 70.0 << 80.0;
    QTest::newRow("negative (clocks apart) kept in min and mean")
        << QList<qint64>{-2000, 2000, 4000} << -2.0 << 4.0 / 3 << 2.0 << 4.0 << 4.0 << 4.0;
}

void tst_LatencyStats::latencyFigures() {
    QFETCH(QList<qint64>, latenciesUs);
    LatencyStats stats;
    quint64 id = run0;
    qint64 time = t0;
    for (qint64 latency : latenciesUs)
        stats.add(answer(time += 1'000'000 / latenciesUs.size(), {{id++, latency}}));

    // Whole run (histogram: within 1 %) and recent window (exact) agree with the known inputs.
    const auto check = [&](const LatencySummary &s, double tolerance) {
        QCOMPARE(s.latencyCount, latenciesUs.size());
        QCOMPARE(s.messages, latenciesUs.size());
        QFETCH(double, min);
        QFETCH(double, mean);
        QFETCH(double, p50);
        QFETCH(double, p95);
        QFETCH(double, p99);
        QFETCH(double, max);
        const auto near = [tolerance](double got, double want) {
            return std::abs(got - want) <= tolerance * std::abs(want) + 1e-9;
        };
        QVERIFY2(near(s.minMs, min), qPrintable(QString::number(s.minMs)));
        QVERIFY2(near(s.meanMs, mean), qPrintable(QString::number(s.meanMs)));
        QVERIFY2(near(s.p50Ms, p50), qPrintable(QString::number(s.p50Ms)));
        QVERIFY2(near(s.p95Ms, p95), qPrintable(QString::number(s.p95Ms)));
        QVERIFY2(near(s.p99Ms, p99), qPrintable(QString::number(s.p99Ms)));
        QVERIFY2(near(s.maxMs, max), qPrintable(QString::number(s.maxMs)));
    };
    check(stats.total(), 0.01);
    check(stats.recent(time), 0.0);
}

void tst_LatencyStats::histogramBucketsCoverEveryValue() {
    // Buckets are contiguous, each value lands in the bucket that contains it, and no bucket is
    // wider than 1 % of its lower bound beyond the exact range.
    for (int i = 0; i < 4000; ++i) {
        QCOMPARE(LatencyStats::bucketHighUs(i), LatencyStats::bucketLowUs(i + 1));
        QVERIFY(LatencyStats::bucketHighUs(i) > LatencyStats::bucketLowUs(i));
        if (LatencyStats::bucketLowUs(i) >= 256) {
            const double width =
                double(LatencyStats::bucketHighUs(i) - LatencyStats::bucketLowUs(i));
            QVERIFY(width / double(LatencyStats::bucketLowUs(i)) <= 0.0079);
        }
    }
    for (qint64 v : {qint64(0), qint64(1), qint64(255), qint64(256), qint64(257), qint64(1000),
                     qint64(123'456), qint64(60'000'000), qint64(3'600'000'000)}) {
        const int b = LatencyStats::bucketIndex(v);
        QVERIFY2(LatencyStats::bucketLowUs(b) <= v && v < LatencyStats::bucketHighUs(b),
                 qPrintable(QString::number(v)));
    }
    QCOMPARE(LatencyStats::bucketIndex(-5), 0);
}

void tst_LatencyStats::counters() {
    LatencyStats stats;
    qint64 t = t0;
    stats.add(makeEvent(TrafficEvent::Kind::RequestSent, t += 10));
    stats.add(answer(t += 10, {}, 120)); // empty 200
    stats.add(makeEvent(TrafficEvent::Kind::RequestSent, t += 10));
    TrafficEvent noContent = makeEvent(TrafficEvent::Kind::ResponseReceived, t += 10);
    noContent.status = 204;
    noContent.bytes = 80;
    stats.add(noContent);
    stats.add(makeEvent(TrafficEvent::Kind::RequestSent, t += 10));
    stats.add(answer(t += 10, {{run0, 500}, {run0 + 1, 400}}, 300));
    stats.add(makeEvent(TrafficEvent::Kind::Error, t += 10));
    stats.add(makeEvent(TrafficEvent::Kind::ReconnectScheduled, t += 10));
    stats.add(makeEvent(TrafficEvent::Kind::Stopped, t += 10));

    for (const LatencySummary &s : {stats.total(), stats.recent(t)}) {
        QCOMPARE(s.requests, 3);
        QCOMPARE(s.emptyResponses, 2);
        QCOMPARE(s.messages, 2);
        QCOMPARE(s.bytesIn, 500);
        QCOMPARE(s.errors, 1);
        QCOMPARE(s.reconnects, 1);
        QCOMPARE(s.missing, 0);
        QCOMPARE(s.duplicates, 0);
        QCOMPARE(s.outOfOrder, 0);
        QCOMPARE(s.latencyCount, 2);
    }
}

void tst_LatencyStats::idSequence_data() {
    QTest::addColumn<QList<quint64>>("offsets"); // ids as offsets from a run's first id
    QTest::addColumn<qint64>("missing");
    QTest::addColumn<qint64>("duplicates");
    QTest::addColumn<qint64>("outOfOrder");

    QTest::newRow("contiguous") << QList<quint64>{0, 1, 2, 3} << qint64(0) << qint64(0)
                                << qint64(0);
    QTest::newRow("first id may be anything")
        << QList<quint64>{5, 6} << qint64(0) << qint64(0) << qint64(0);
    QTest::newRow("two skipped") << QList<quint64>{0, 1, 4, 5} << qint64(2) << qint64(0)
                                 << qint64(0);
    QTest::newRow("duplicate") << QList<quint64>{0, 1, 1, 2} << qint64(0) << qint64(1) << qint64(0);
    QTest::newRow("late arrival repays missing")
        << QList<quint64>{0, 2, 1, 3} << qint64(0) << qint64(0) << qint64(1);
    QTest::newRow("late and then repeated")
        << QList<quint64>{0, 2, 1, 1} << qint64(0) << qint64(1) << qint64(1);
    QTest::newRow("old id never counted missing")
        << QList<quint64>{5, 6, 3} << qint64(0) << qint64(0) << qint64(1);
}

void tst_LatencyStats::idSequence() {
    QFETCH(QList<quint64>, offsets);
    LatencyStats stats;
    qint64 t = t0;
    for (quint64 offset : offsets) {
        // Published one second apart: plenty of time for the ids to be one run.
        t += 1'000'000;
        TrafficEvent e = makeEvent(TrafficEvent::Kind::EventReceived, t + 100);
        e.messages.append(DeliveredMessage{run0 + offset, QStringLiteral("m"), t});
        stats.add(e);
    }
    const LatencySummary s = stats.total();
    QTEST(s.missing, "missing");
    QTEST(s.duplicates, "duplicates");
    QTEST(s.outOfOrder, "outOfOrder");
    QCOMPARE(s.messages, offsets.size());
    QCOMPARE(stats.recent(t + 100).missing, s.missing);
}

void tst_LatencyStats::gapWithinARunCountsMissing() {
    LatencyStats stats;
    stats.add(answer(t0, {{run0 + 10, 100}}));
    // 30 s later the poll learns that ids 11..19 fell out of the server's history.
    TrafficEvent e = answer(t0 + 30'000'000, {{run0 + 20, 100}, {run0 + 21, 100}});
    e.gapLastSeenId = run0 + 10;
    e.gapFirstAvailableId = run0 + 20;
    stats.add(e);
    QCOMPARE(stats.total().gaps, 1);
    QCOMPARE(stats.total().missing, 9);
    QCOMPARE(stats.total().outOfOrder, 0);
}

void tst_LatencyStats::gapAcrossServerRunsLosesNothing() {
    LatencyStats stats;
    // Run 1 started at run0 and published 3 messages over its first 10 s.
    for (quint64 i = 0; i < 3; ++i)
        stats.add(answer(qint64(run0) + 10'000'000 + qint64(i), {{run0 + i, 100}}));
    // The server restarts 5 s later: its ids start at its start time.
    const quint64 run1 = run0 + 15'000'000;
    TrafficEvent gap = makeEvent(TrafficEvent::Kind::EventReceived, qint64(run1) + 2'000'000);
    gap.eventType = QStringLiteral("gap");
    gap.gapLastSeenId = run0 + 2;
    gap.gapFirstAvailableId = run1;
    stats.add(gap);
    stats.add(answer(qint64(run1) + 3'000'000, {{run1, 1000}}));
    stats.add(answer(qint64(run1) + 4'000'000, {{run1 + 1, 1000}}));
    const LatencySummary s = stats.total();
    QCOMPARE(s.gaps, 1);
    QCOMPARE(s.missing, 0);
    QCOMPARE(s.duplicates, 0);
    QCOMPARE(s.outOfOrder, 0);
    QCOMPARE(s.messages, 5);
}

void tst_LatencyStats::recentWindowForgetsOldDeliveries() {
    LatencyStats stats;
    stats.add(makeEvent(TrafficEvent::Kind::RequestSent, t0));
    stats.add(answer(t0, {{run0, 50'000}}));                 // 50 ms, long ago
    stats.add(answer(t0 + 40'000'000, {{run0 + 1, 2'000}})); // 2 ms, 40 s later
    const LatencySummary recent = stats.recent(t0 + 41'000'000);
    QCOMPARE(recent.requests, 0);
    QCOMPARE(recent.messages, 1);
    QCOMPARE(recent.maxMs, 2.0);
    const LatencySummary total = stats.total();
    QCOMPARE(total.messages, 2);
    QCOMPARE(total.maxMs, 50.0);
    // Nothing at all in the last 30 s.
    QCOMPARE(stats.recent(t0 + 80'000'000).messages, 0);
    QCOMPARE(stats.recent(t0 + 80'000'000).p50Ms, 0.0);
}

void tst_LatencyStats::clearStartsOver() {
    LatencyStats stats;
    stats.add(answer(t0, {{run0, 50'000}}));
    stats.clear();
    QCOMPARE(stats.total().messages, 0);
    QCOMPARE(stats.recent(t0).messages, 0);
    stats.add(answer(t0, {{run0 + 7, 1'000}}));
    QCOMPARE(stats.total().missing, 0);
    QCOMPARE(stats.total().maxMs, 1.0);
}

QTEST_GUILESS_MAIN(tst_LatencyStats)
#include "tst_latencystats.moc"
