#include "timelinegeometry.h"

#include <QtTest/QTest>

class TestTimelineGeometry final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void timeToX_data();
    void timeToX();
    void xToTimeRoundTrips();
    void spanIsClamped_data();
    void spanIsClamped();
    void zoomKeepsAnchor_data();
    void zoomKeepsAnchor();
    void panShowsEarlierWhenDraggedRight();
    void endingAtFollowsLive();
    void hits_data();
    void hits();
    void ticks_data();
    void ticks();
};

void TestTimelineGeometry::timeToX_data() {
    QTest::addColumn<qint64>("start");
    QTest::addColumn<qint64>("span");
    QTest::addColumn<double>("left");
    QTest::addColumn<double>("width");
    QTest::addColumn<qint64>("time");
    QTest::addColumn<double>("x");

    QTest::newRow("start maps to left edge")
        << qint64(1'000'000) << qint64(10'000'000) << 50.0 << 1000.0 << qint64(1'000'000) << 50.0;
    QTest::newRow("end maps to right edge") << qint64(1'000'000) << qint64(10'000'000) << 50.0
                                            << 1000.0 << qint64(11'000'000) << 1050.0;
    QTest::newRow("middle") << qint64(0) << qint64(10'000'000) << 0.0 << 1000.0 << qint64(5'000'000)
                            << 500.0;
    QTest::newRow("before start is left of the view")
        << qint64(0) << qint64(10'000'000) << 0.0 << 1000.0 << qint64(-1'000'000) << -100.0;
    QTest::newRow("epoch-sized times keep precision")
        << qint64(1'764'000'000'000'000) << qint64(1'000) << 0.0 << 1000.0
        << qint64(1'764'000'000'000'001) << 1.0;
}

void TestTimelineGeometry::timeToX() {
    QFETCH(qint64, start);
    QFETCH(qint64, span);
    QFETCH(double, left);
    QFETCH(double, width);
    QFETCH(qint64, time);
    QFETCH(double, x);
    const TimelineGeometry g(start, span, left, width);
    QCOMPARE(g.xForTime(time), x);
    QCOMPARE(g.timeForX(x), time);
}

void TestTimelineGeometry::xToTimeRoundTrips() {
    const TimelineGeometry g(1'764'000'000'000'000, 10'000'000, 120, 1100);
    for (int x = 120; x <= 1220; x += 37)
        QVERIFY(qAbs(g.xForTime(g.timeForX(x)) - x) < 0.01);
}

void TestTimelineGeometry::spanIsClamped_data() {
    QTest::addColumn<qint64>("requested");
    QTest::addColumn<qint64>("expected");
    QTest::newRow("too small") << qint64(1) << TimelineGeometry::MinSpanUs;
    QTest::newRow("negative") << qint64(-5) << TimelineGeometry::MinSpanUs;
    QTest::newRow("huge") << qint64(1LL << 50) << TimelineGeometry::MaxSpanUs;
    QTest::newRow("in range") << qint64(2'000'000) << qint64(2'000'000);
}

void TestTimelineGeometry::spanIsClamped() {
    QFETCH(qint64, requested);
    QFETCH(qint64, expected);
    QCOMPARE(TimelineGeometry(0, requested, 0, 100).spanUs(), expected);
    QCOMPARE(TimelineGeometry(0, 10'000'000, 0, 100).withSpan(requested).spanUs(), expected);
}

void TestTimelineGeometry::zoomKeepsAnchor_data() {
    QTest::addColumn<double>("factor");
    QTest::addColumn<double>("anchorX");
    QTest::addColumn<qint64>("expectedSpan");

    QTest::newRow("zoom in 2x at the middle") << 2.0 << 500.0 << qint64(5'000'000);
    QTest::newRow("zoom in 2x at the left edge") << 2.0 << 0.0 << qint64(5'000'000);
    QTest::newRow("zoom out 2x at the right edge") << 0.5 << 1000.0 << qint64(20'000'000);
    QTest::newRow("zoom in far is clamped") << 1e9 << 250.0 << TimelineGeometry::MinSpanUs;
    QTest::newRow("zoom out far is clamped") << 1e-9 << 250.0 << TimelineGeometry::MaxSpanUs;
}

void TestTimelineGeometry::zoomKeepsAnchor() {
    QFETCH(double, factor);
    QFETCH(double, anchorX);
    QFETCH(qint64, expectedSpan);
    const TimelineGeometry g(1'764'000'000'000'000, 10'000'000, 0, 1000);
    const TimelineGeometry z = g.zoomed(factor, anchorX);
    QCOMPARE(z.spanUs(), expectedSpan);
    // The instant under the mouse stays under the mouse (within a microsecond of rounding).
    QVERIFY(qAbs(z.timeForX(anchorX) - g.timeForX(anchorX)) <= 1);
    QCOMPARE(z.left(), g.left());
    QCOMPARE(z.width(), g.width());
}

void TestTimelineGeometry::panShowsEarlierWhenDraggedRight() {
    const TimelineGeometry g(10'000'000, 10'000'000, 0, 1000); // 10 ms per pixel
    const TimelineGeometry p = g.panned(100);
    QCOMPARE(p.startUs(), qint64(9'000'000));
    QCOMPARE(p.spanUs(), g.spanUs());
    QCOMPARE(g.panned(-100).startUs(), qint64(11'000'000));
    QCOMPARE(g.panned(0), g);
}

void TestTimelineGeometry::endingAtFollowsLive() {
    const TimelineGeometry g(0, 10'000'000, 10, 500);
    const TimelineGeometry live = g.endingAt(1'764'000'000'000'000);
    QCOMPARE(live.endUs(), qint64(1'764'000'000'000'000));
    QCOMPARE(live.spanUs(), g.spanUs());
    QCOMPARE(live.xForTime(live.endUs()), live.right());
}

void TestTimelineGeometry::hits_data() {
    QTest::addColumn<qint64>("time");
    QTest::addColumn<double>("x");
    QTest::addColumn<double>("tolerance");
    QTest::addColumn<bool>("expected");
    // 10 ms per pixel below.
    QTest::newRow("exactly on it") << qint64(5'000'000) << 500.0 << 3.0 << true;
    QTest::newRow("within tolerance") << qint64(5'020'000) << 500.0 << 3.0 << true;
    QTest::newRow("just outside") << qint64(5'040'000) << 500.0 << 3.0 << false;
    QTest::newRow("left side within") << qint64(4'970'000) << 500.0 << 3.0 << true;
    QTest::newRow("zero tolerance misses a neighbour")
        << qint64(5'010'000) << 500.0 << 0.0 << false;
}

void TestTimelineGeometry::hits() {
    QFETCH(qint64, time);
    QFETCH(double, x);
    QFETCH(double, tolerance);
    QFETCH(bool, expected);
    const TimelineGeometry g(0, 10'000'000, 0, 1000);
    QCOMPARE(g.hits(time, x, tolerance), expected);
}

void TestTimelineGeometry::ticks_data() {
    QTest::addColumn<qint64>("span");
    QTest::addColumn<double>("spacing");
    QTest::addColumn<qint64>("step");
    QTest::newRow("10 s over 1000 px, 80 px apart")
        << qint64(10'000'000) << 80.0 << qint64(1'000'000);
    QTest::newRow("10 s over 1000 px, 120 px apart")
        << qint64(10'000'000) << 120.0 << qint64(2'000'000);
    QTest::newRow("1 s over 1000 px, 80 px apart") << qint64(1'000'000) << 80.0 << qint64(100'000);
    QTest::newRow("1 ms over 1000 px, 80 px apart") << qint64(1'000) << 80.0 << qint64(100);
    QTest::newRow("5 min over 1000 px, 80 px apart")
        << qint64(300'000'000) << 80.0 << qint64(50'000'000);
}

void TestTimelineGeometry::ticks() {
    QFETCH(qint64, span);
    QFETCH(double, spacing);
    QFETCH(qint64, step);
    const TimelineGeometry g(1'764'000'000'123'456, span, 0, 1000);
    QCOMPARE(g.tickStepUs(spacing), step);
    const std::vector<qint64> ticks = g.ticks(spacing);
    QVERIFY(!ticks.empty());
    for (size_t i = 0; i < ticks.size(); ++i) {
        QCOMPARE(ticks[i] % step, qint64(0));
        QVERIFY(g.containsTime(ticks[i]));
        if (i > 0)
            QVERIFY(g.xForTime(ticks[i]) - g.xForTime(ticks[i - 1]) >= spacing - 1e-9);
    }
    QVERIFY(ticks.front() - step < g.startUs()); // no tick missed at the left edge
}

QTEST_APPLESS_MAIN(TestTimelineGeometry)
#include "tst_timelinegeometry.moc"
