#include "timelineviewport.h"

#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

class TestTimelineViewport final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void liveFollowsNow();
    void pausedStaysPut();
    void panOnlyWhenPaused();
    void liveZoomKeepsNowAtTheRightEdge();
    void resumeJumpsBackToNow();
};

namespace {
constexpr qint64 T0 = 1'764'000'000'000'000;
}

void TestTimelineViewport::liveFollowsNow() {
    TimelineViewport v;
    v.setWidth(1000);
    QSignalSpy changed(&v, &TimelineViewport::changed);
    QVERIFY(v.advance(T0));
    QCOMPARE(v.geometry().endUs(), T0);
    // 10 s over 1000 px: 1 µs is far below a tenth of a pixel, nothing to repaint.
    QVERIFY(!v.advance(T0 + 1));
    QVERIFY(v.advance(T0 + 5'000));
    QCOMPARE(v.geometry().endUs(), T0 + 5'000);
    QCOMPARE(changed.count(), 2);
}

void TestTimelineViewport::pausedStaysPut() {
    TimelineViewport v;
    v.setWidth(1000);
    v.advance(T0);
    QSignalSpy paused(&v, &TimelineViewport::pausedChanged);
    v.setPaused(true);
    QCOMPARE(paused.count(), 1);
    QVERIFY(!v.advance(T0 + 3'000'000));
    QCOMPARE(v.geometry().endUs(), T0);
    QCOMPARE(v.nowUs(), T0 + 3'000'000); // still knows the time, for open bars
    v.zoom(2.0, 500);
    QCOMPARE(v.spanUs(), TimelineGeometry::DefaultSpanUs / 2);
    QCOMPARE(v.geometry().timeForX(500), T0 - TimelineGeometry::DefaultSpanUs / 2);
}

void TestTimelineViewport::panOnlyWhenPaused() {
    TimelineViewport v;
    v.setWidth(1000);
    v.advance(T0);
    v.pan(100);
    QCOMPARE(v.geometry().endUs(), T0); // live: "now" stays at the right edge
    v.setPaused(true);
    v.pan(100);
    QCOMPARE(v.geometry().endUs(), T0 - 1'000'000);
}

void TestTimelineViewport::liveZoomKeepsNowAtTheRightEdge() {
    TimelineViewport v;
    v.setWidth(1000);
    v.advance(T0);
    v.zoom(0.5, 100); // the mouse position does not matter while live
    QCOMPARE(v.spanUs(), 2 * TimelineGeometry::DefaultSpanUs);
    QCOMPARE(v.geometry().endUs(), T0);
}

void TestTimelineViewport::resumeJumpsBackToNow() {
    TimelineViewport v;
    v.setWidth(1000);
    v.advance(T0);
    v.setPaused(true);
    v.zoom(4.0, 250);
    v.pan(300);
    v.advance(T0 + 7'000'000);
    v.setPaused(false);
    QCOMPARE(v.geometry().endUs(), T0 + 7'000'000);
    QCOMPARE(v.spanUs(), TimelineGeometry::DefaultSpanUs / 4); // keeps the zoom chosen
}

QTEST_APPLESS_MAIN(TestTimelineViewport)
#include "tst_timelineviewport.moc"
