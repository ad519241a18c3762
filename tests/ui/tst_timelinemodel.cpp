#include "timelinegeometry.h"
#include "timelinemodel.h"

#include <QtTest/QTest>

using PushLab::Pattern;
using Kind = TrafficEvent::Kind;
using Outcome = TimelineSpan::Outcome;

namespace {

constexpr qint64 T0 = 1'764'000'000'000'000;

TrafficEvent traffic(Kind kind, Pattern p, qint64 t, quint64 requestId, int status = 0,
                     QList<DeliveredMessage> messages = {}) {
    TrafficEvent e;
    e.kind = kind;
    e.pattern = p;
    e.timeUs = t;
    e.requestId = requestId;
    e.status = status;
    e.bytes = 100;
    e.messages = std::move(messages);
    return e;
}

DeliveredMessage message(quint64 id, qint64 publishedAt,
                         const QString &text = QStringLiteral("m")) {
    return DeliveredMessage{id, text, publishedAt};
}

} // namespace

class TestTimelineModel final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void pollOutcome_data();
    void pollOutcome();
    void arrivalLatencyAndGuide();
    void sseStreamStaysOpenWithTicks();
    void reconnectClosesStreamAndMarks();
    void revisionMovesOnEveryChange();
    void pruneDropsOldItems();
    void pruneCapsItemCount();
    void clearKeepsRequestsInFlight();
    void rangesFindVisibleItems();
    void hitTestFindsArrivalThenSpan();
};

void TestTimelineModel::pollOutcome_data() {
    QTest::addColumn<int>("status");
    QTest::addColumn<int>("messageCount");
    QTest::addColumn<int>("outcome");
    QTest::newRow("200 with a message is a delivery") << 200 << 1 << int(Outcome::Delivered);
    QTest::newRow("200 without messages is empty") << 200 << 0 << int(Outcome::Empty);
    QTest::newRow("204 is a long-poll timeout") << 204 << 0 << int(Outcome::Timeout);
    QTest::newRow("500 is an error") << 500 << 0 << int(Outcome::Error);
    QTest::newRow("no status (transport) is an error") << 0 << 0 << int(Outcome::Error);
}

void TestTimelineModel::pollOutcome() {
    QFETCH(int, status);
    QFETCH(int, messageCount);
    QFETCH(int, outcome);
    TimelineModel m;
    m.addTrafficEvent(traffic(Kind::RequestSent, Pattern::LongPoll, T0, 7));
    QCOMPARE(m.lane(Pattern::LongPoll).spans.size(), size_t(1));
    QVERIFY(m.lane(Pattern::LongPoll).spans.front().isOpen());
    QList<DeliveredMessage> msgs;
    for (int i = 0; i < messageCount; ++i)
        msgs.append(message(100 + quint64(i), T0 + 10));
    m.addTrafficEvent(
        traffic(Kind::ResponseReceived, Pattern::LongPoll, T0 + 500, 7, status, msgs));
    const TimelineSpan &s = m.lane(Pattern::LongPoll).spans.front();
    QCOMPARE(int(s.outcome), outcome);
    QCOMPARE(s.startUs, T0);
    QCOMPARE(s.endUs, T0 + 500);
    QCOMPARE(s.messages, messageCount);
    QCOMPARE(m.lane(Pattern::LongPoll).arrivals.size(), size_t(messageCount));
    // Other lanes are untouched.
    QVERIFY(m.lane(Pattern::ShortPoll).spans.empty());
}

void TestTimelineModel::arrivalLatencyAndGuide() {
    TimelineModel m;
    m.addPublished(message(42, T0, QStringLiteral("hello")));
    m.addTrafficEvent(traffic(Kind::RequestSent, Pattern::ShortPoll, T0 + 1000, 1));
    m.addTrafficEvent(traffic(Kind::ResponseReceived, Pattern::ShortPoll, T0 + 250'000, 1, 200,
                              {message(42, T0, QStringLiteral("hello"))}));
    QCOMPARE(m.guides().size(), size_t(1)); // the delivery did not add a second guide
    const TimelineArrival &a = m.lane(Pattern::ShortPoll).arrivals.front();
    QCOMPARE(a.id, quint64(42));
    QCOMPARE(a.latencyUs, qint64(250'000));
    QVERIFY(m.guide(42));
    QCOMPARE(m.guide(42)->text, QStringLiteral("hello"));
    QVERIFY(!m.guide(41));

    // A message published by someone else (a browser) gets its guide from its first delivery.
    m.addTrafficEvent(traffic(Kind::EventReceived, Pattern::ServerSentEvents, T0 + 900'000, 3, 0,
                              {message(43, T0 + 800'000, QStringLiteral("from a browser"))}));
    QCOMPARE(m.guides().size(), size_t(2));
    QCOMPARE(m.guide(43)->publishedAtUs, T0 + 800'000);
}

void TestTimelineModel::sseStreamStaysOpenWithTicks() {
    TimelineModel m;
    m.addTrafficEvent(traffic(Kind::RequestSent, Pattern::ServerSentEvents, T0, 1));
    m.addTrafficEvent(traffic(Kind::StreamOpened, Pattern::ServerSentEvents, T0 + 100, 1, 200));
    for (int i = 0; i < 5; ++i)
        m.addTrafficEvent(traffic(Kind::EventReceived, Pattern::ServerSentEvents,
                                  T0 + 1'000'000 * (i + 1), 1, 0,
                                  {message(quint64(10 + i), T0 + 1'000'000 * (i + 1) - 80)}));
    const TimelineLane &l = m.lane(Pattern::ServerSentEvents);
    QCOMPARE(l.spans.size(), size_t(1));
    QVERIFY(l.spans.front().isOpen());
    QCOMPARE(l.spans.front().status, 200);
    QCOMPARE(l.spans.front().messages, 5);
    QCOMPARE(l.arrivals.size(), size_t(5));
    QCOMPARE(l.arrivals.back().latencyUs, qint64(80));
}

void TestTimelineModel::reconnectClosesStreamAndMarks() {
    TimelineModel m;
    m.addTrafficEvent(traffic(Kind::RequestSent, Pattern::ServerSentEvents, T0, 1));
    m.addTrafficEvent(traffic(Kind::StreamOpened, Pattern::ServerSentEvents, T0 + 100, 1, 200));
    TrafficEvent r = traffic(Kind::ReconnectScheduled, Pattern::ServerSentEvents, T0 + 5000, 1);
    r.delayMs = 2000;
    m.addTrafficEvent(r);
    const TimelineLane &l = m.lane(Pattern::ServerSentEvents);
    QCOMPARE(int(l.spans.front().outcome), int(Outcome::Closed));
    QCOMPARE(l.spans.front().endUs, T0 + 5000);
    QCOMPARE(l.markers.size(), size_t(1));
    QCOMPARE(int(l.markers.front().kind), int(TimelineMarker::Kind::Reconnect));
    QVERIFY(l.markers.front().detail.contains(QLatin1String("2000 ms")));

    TrafficEvent gap = traffic(Kind::EventReceived, Pattern::ServerSentEvents, T0 + 9000, 2);
    gap.eventType = QStringLiteral("gap");
    gap.data = QStringLiteral(R"({"lastSeenId":1,"firstAvailableId":5})");
    m.addTrafficEvent(gap);
    QCOMPARE(int(l.markers.back().kind), int(TimelineMarker::Kind::Gap));

    // A long poll answer that says history was lost is marked on its lane too.
    m.addTrafficEvent(traffic(Kind::RequestSent, Pattern::LongPoll, T0 + 10'000, 5));
    TrafficEvent answer = traffic(Kind::ResponseReceived, Pattern::LongPoll, T0 + 11'000, 5, 200,
                                  {message(9, T0 + 10'500)});
    answer.gapLastSeenId = 2;
    answer.gapFirstAvailableId = 9;
    answer.detail = QStringLiteral("gap: ids after 2 and before 9 are not in the server's history");
    m.addTrafficEvent(answer);
    const TimelineLane &longLane = m.lane(Pattern::LongPoll);
    QCOMPARE(longLane.markers.size(), size_t(1));
    QCOMPARE(int(longLane.markers.front().kind), int(TimelineMarker::Kind::Gap));
    QVERIFY(longLane.markers.front().detail.contains(QLatin1String("after 2")));
    QCOMPARE(longLane.arrivals.size(), size_t(1));
}

void TestTimelineModel::revisionMovesOnEveryChange() {
    TimelineModel m;
    const quint64 r0 = m.revision();
    m.addTrafficEvent(traffic(Kind::RequestSent, Pattern::ShortPoll, T0, 1));
    QVERIFY(m.revision() > r0);
    const quint64 r1 = m.revision();
    m.prune(T0 + 1000); // nothing old enough: no change, no repaint
    QCOMPARE(m.revision(), r1);
    m.clear();
    QVERIFY(m.revision() > r1);
}

void TestTimelineModel::pruneDropsOldItems() {
    TimelineModel m;
    m.setRetentionUs(60'000'000);
    for (int i = 0; i < 120; ++i) {
        const qint64 t = T0 + qint64(i) * 1'000'000;
        m.addPublished(message(quint64(i + 1), t));
        m.addTrafficEvent(traffic(Kind::RequestSent, Pattern::ShortPoll, t, quint64(i + 1)));
        m.addTrafficEvent(traffic(Kind::ResponseReceived, Pattern::ShortPoll, t + 500,
                                  quint64(i + 1), 200, {message(quint64(i + 1), t)}));
    }
    m.prune(T0 + 120'000'000);
    const TimelineLane &l = m.lane(Pattern::ShortPoll);
    QCOMPARE(l.spans.size(), size_t(60));
    QCOMPARE(l.arrivals.size(), size_t(60));
    QCOMPARE(m.guides().size(), size_t(60));
    QCOMPARE(l.arrivals.front().id, quint64(61));
}

void TestTimelineModel::pruneCapsItemCount() {
    TimelineModel m;
    m.setMaxItemsPerLane(100);
    for (int i = 0; i < 1000; ++i) {
        m.addTrafficEvent(traffic(Kind::RequestSent, Pattern::LongPoll, T0 + i, quint64(i)));
        m.addTrafficEvent(traffic(Kind::ResponseReceived, Pattern::LongPoll, T0 + i, quint64(i),
                                  200, {message(quint64(i + 1), T0 + i)}));
    }
    m.prune(T0 + 1000);
    QCOMPARE(m.lane(Pattern::LongPoll).spans.size(), size_t(100));
    QCOMPARE(m.lane(Pattern::LongPoll).arrivals.size(), size_t(100));
    QCOMPARE(m.guides().size(), size_t(100));
    QCOMPARE(m.guides().back().id, quint64(1000)); // the newest survive
}

void TestTimelineModel::clearKeepsRequestsInFlight() {
    TimelineModel m;
    m.addTrafficEvent(traffic(Kind::RequestSent, Pattern::LongPoll, T0, 1));
    m.addTrafficEvent(traffic(Kind::ResponseReceived, Pattern::LongPoll, T0 + 5, 1, 204));
    m.addTrafficEvent(traffic(Kind::RequestSent, Pattern::LongPoll, T0 + 10, 2));
    m.clear();
    QCOMPARE(m.lane(Pattern::LongPoll).spans.size(), size_t(1));
    m.addTrafficEvent(
        traffic(Kind::ResponseReceived, Pattern::LongPoll, T0 + 50, 2, 200, {message(9, T0 + 40)}));
    QCOMPARE(int(m.lane(Pattern::LongPoll).spans.front().outcome), int(Outcome::Delivered));
    QCOMPARE(m.guides().size(), size_t(1));
}

void TestTimelineModel::rangesFindVisibleItems() {
    TimelineModel m;
    // A long stream that started well before the view, and short polls every second.
    m.addTrafficEvent(traffic(Kind::RequestSent, Pattern::ServerSentEvents, T0, 1));
    for (int i = 0; i < 100; ++i) {
        const qint64 t = T0 + qint64(i) * 1'000'000;
        m.addTrafficEvent(traffic(Kind::RequestSent, Pattern::ShortPoll, t, quint64(i + 1)));
        m.addTrafficEvent(
            traffic(Kind::ResponseReceived, Pattern::ShortPoll, t + 2000, quint64(i + 1), 200));
    }
    const qint64 from = T0 + 50'000'000 + 500'000, to = T0 + 60'000'000 + 500'000;
    const auto [first, last] = m.spanRange(Pattern::ShortPoll, from, to, T0 + 100'000'000);
    QCOMPARE(last - first, size_t(10));
    QCOMPARE(m.lane(Pattern::ShortPoll).spans[first].startUs, T0 + 51'000'000);
    const auto sse = m.spanRange(Pattern::ServerSentEvents, from, to, T0 + 100'000'000);
    QCOMPARE(sse.second - sse.first, size_t(1)); // the open stream overlaps everything
}

void TestTimelineModel::hitTestFindsArrivalThenSpan() {
    TimelineModel m;
    m.addPublished(message(5, T0 + 4'000'000, QStringLiteral("five")));
    m.addTrafficEvent(traffic(Kind::RequestSent, Pattern::ShortPoll, T0 + 3'000'000, 1));
    m.addTrafficEvent(traffic(Kind::ResponseReceived, Pattern::ShortPoll, T0 + 5'000'000, 1, 200,
                              {message(5, T0 + 4'000'000, QStringLiteral("five"))}));
    const TimelineGeometry g(T0, 10'000'000, 0, 1000); // 10 ms per pixel
    const TimelineHit onArrival = m.hitTest(Pattern::ShortPoll, g, 501, 4, T0 + 10'000'000);
    QCOMPARE(int(onArrival.kind), int(TimelineHit::Kind::Arrival));
    QCOMPARE(onArrival.arrival.id, quint64(5));
    QCOMPARE(onArrival.guide.text, QStringLiteral("five"));
    QCOMPARE(onArrival.arrival.latencyUs, qint64(1'000'000));
    const TimelineHit onSpan = m.hitTest(Pattern::ShortPoll, g, 350, 4, T0 + 10'000'000);
    QCOMPARE(int(onSpan.kind), int(TimelineHit::Kind::Span));
    QCOMPARE(onSpan.span.requestId, quint64(1));
    const TimelineHit nothing = m.hitTest(Pattern::ShortPoll, g, 800, 4, T0 + 10'000'000);
    QCOMPARE(int(nothing.kind), int(TimelineHit::Kind::None));
    const TimelineHit otherLane = m.hitTest(Pattern::LongPoll, g, 501, 4, T0 + 10'000'000);
    QCOMPARE(int(otherLane.kind), int(TimelineHit::Kind::None));
    const TimelineHit guide = m.hitTest(std::nullopt, g, 400, 4, T0 + 10'000'000);
    QCOMPARE(int(guide.kind), int(TimelineHit::Kind::Guide));
    QCOMPARE(guide.guide.id, quint64(5));
}

QTEST_APPLESS_MAIN(TestTimelineModel)
#include "tst_timelinemodel.moc"
