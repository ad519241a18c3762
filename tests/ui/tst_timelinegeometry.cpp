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
    void overlappingArrivalsCluster_data();
    void overlappingArrivalsCluster();
    void labelsAreWholeOrLeftOut_data();
    void labelsAreWholeOrLeftOut();
    void labelRoomIsTheWidestRowsRoom();
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

using Cluster = TimelineGeometry::Cluster;
using Label = TimelineGeometry::Label;
using LabelSlot = TimelineGeometry::LabelSlot;
Q_DECLARE_METATYPE(std::vector<qint64>)
Q_DECLARE_METATYPE(std::vector<Cluster>)
Q_DECLARE_METATYPE(std::vector<Label>)
Q_DECLARE_METATYPE(std::vector<LabelSlot>)

void TestTimelineGeometry::overlappingArrivalsCluster_data() {
    // 10 s on 1000 px: 10 ms per pixel. Dots are 10 px across.
    QTest::addColumn<std::vector<qint64>>("arrivalsUs");
    QTest::addColumn<std::vector<Cluster>>("expected");

    QTest::newRow("apart: one mark each") << std::vector<qint64>{1'000'000, 2'000'000, 3'000'000}
                                          << std::vector<Cluster>{{0, 1}, {1, 1}, {2, 1}};
    // The newcomer's case: short-poll answers of 3 and 2 messages drew 2 dots for 5 messages.
    QTest::newRow("one answer of three, one of two")
        << std::vector<qint64>{1'000'000, 1'000'000, 1'000'000, 2'000'000, 2'000'000}
        << std::vector<Cluster>{{0, 3}, {3, 2}};
    QTest::newRow("9 px apart overlap")
        << std::vector<qint64>{1'000'000, 1'090'000} << std::vector<Cluster>{{0, 2}};
    QTest::newRow("10 px apart do not")
        << std::vector<qint64>{1'000'000, 1'100'000} << std::vector<Cluster>{{0, 1}, {1, 1}};
    QTest::newRow("a chain 6 px apart is cut at its first mark's reach")
        << std::vector<qint64>{1'000'000, 1'060'000, 1'120'000, 1'180'000}
        << std::vector<Cluster>{{0, 2}, {2, 2}};
    QTest::newRow("nothing") << std::vector<qint64>{} << std::vector<Cluster>{};
}

void TestTimelineGeometry::overlappingArrivalsCluster() {
    QFETCH(std::vector<qint64>, arrivalsUs);
    QFETCH(std::vector<Cluster>, expected);
    const TimelineGeometry g(0, 10'000'000, 0, 1000);
    const std::vector<Cluster> got = g.clusters(arrivalsUs, 10);
    QCOMPARE(got.size(), expected.size());
    size_t marks = 0;
    for (size_t i = 0; i < got.size(); ++i) {
        QCOMPARE(got[i].first, expected[i].first);
        QCOMPARE(got[i].count, expected[i].count);
        marks += got[i].count;
    }
    QCOMPARE(marks, arrivalsUs.size()); // every message is in exactly one mark
}

void TestTimelineGeometry::labelsAreWholeOrLeftOut_data() {
    // Newest first, right edge 1000, 4 px between labels.
    QTest::addColumn<std::vector<Label>>("labels");
    QTest::addColumn<int>("rows");
    QTest::addColumn<std::vector<LabelSlot>>("expected");

    QTest::newRow("room for all on one row") << std::vector<Label>{{800, 60, 60}, {600, 60, 60}}
                                             << 1 << std::vector<LabelSlot>{{0, 60}, {0, 60}};
    // The newcomer's case: "window" (60 px) 40 px before the next label used to become "wind…".
    QTest::newRow("crowded, one row: left out, never cut to a stub")
        << std::vector<Label>{{800, 60, 60}, {760, 60, 60}} << 1
        << std::vector<LabelSlot>{{0, 60}, {-1, 0}};
    QTest::newRow("crowded, two rows: the older label goes to the second row")
        << std::vector<Label>{{800, 60, 60}, {760, 60, 60}} << 2
        << std::vector<LabelSlot>{{0, 60}, {1, 60}};
    QTest::newRow("three crowded labels: the third fits on the first row again")
        << std::vector<Label>{{800, 60, 60}, {760, 60, 60}, {700, 60, 60}} << 2
        << std::vector<LabelSlot>{{0, 60}, {1, 60}, {0, 60}};
    QTest::newRow("a long text is cut, but not below its minimum")
        << std::vector<Label>{{800, 60, 60}, {600, 300, 120}} << 1
        << std::vector<LabelSlot>{{0, 60}, {0, 196}};
    QTest::newRow("the right edge counts as a neighbour")
        << std::vector<Label>{{960, 60, 60}} << 2 << std::vector<LabelSlot>{{-1, 0}};
}

void TestTimelineGeometry::labelsAreWholeOrLeftOut() {
    QFETCH(std::vector<Label>, labels);
    QFETCH(int, rows);
    QFETCH(std::vector<LabelSlot>, expected);
    const std::vector<LabelSlot> got = TimelineGeometry::placeLabels(labels, rows, 1000, 4);
    QCOMPARE(got.size(), expected.size());
    for (size_t i = 0; i < got.size(); ++i) {
        QCOMPARE(got[i].row, expected[i].row);
        QCOMPARE(got[i].width, expected[i].width);
    }
}

void TestTimelineGeometry::labelRoomIsTheWidestRowsRoom() {
    TimelineGeometry::LabelPlacer placer(2, 1000, 4);
    QCOMPARE(placer.roomAt(700), 300.0);
    QCOMPARE(placer.place({800, 60, 60}).row, 0);
    QCOMPARE(placer.roomAt(700), 300.0); // the second row is still free to the right edge
    QCOMPARE(placer.place({760, 60, 60}).row, 1);
    QCOMPARE(placer.roomAt(700), 96.0); // the first row, up to the label at 800 less the gap
}

QTEST_APPLESS_MAIN(TestTimelineGeometry)
#include "tst_timelinegeometry.moc"
