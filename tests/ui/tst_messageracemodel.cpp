#include "messageracemodel.h"

#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QTest>

using PushLab::Pattern;
using Kind = TrafficEvent::Kind;

namespace {

constexpr qint64 T0 = 1'764'000'000'000'000;

TrafficEvent delivery(Pattern p, qint64 t, QList<DeliveredMessage> messages) {
    TrafficEvent e;
    e.kind = p == Pattern::ServerSentEvents ? Kind::EventReceived : Kind::ResponseReceived;
    e.pattern = p;
    e.timeUs = t;
    e.status = 200;
    e.messages = std::move(messages);
    return e;
}

TrafficEvent request(Pattern p) {
    TrafficEvent e;
    e.kind = Kind::RequestSent;
    e.pattern = p;
    return e;
}

} // namespace

class TestMessageRaceModel final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void winnerAndLead();
    void requestsAreChargedToTheNextDelivery();
    void newestFirstAndBounded();
    void duplicatesDoNotChangeLatency();
};

void TestMessageRaceModel::winnerAndLead() {
    MessageRaceModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const DeliveredMessage m{7, QStringLiteral("hello"), T0};
    model.addPublished(m);
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.index(0, MessageRaceModel::FirstColumn).data().toString(),
             QStringLiteral("waiting…"));
    model.addTrafficEvent(delivery(Pattern::ShortPoll, T0 + 400'000, {m}));
    QCOMPARE(model.index(0, MessageRaceModel::FirstColumn).data().toString(),
             QStringLiteral("Short poll"));
    model.addTrafficEvent(delivery(Pattern::ServerSentEvents, T0 + 150, {m}));
    model.addTrafficEvent(delivery(Pattern::LongPoll, T0 + 250, {m}));
    const MessageRaceModel::Row &row = model.row(0);
    QCOMPARE(row.winner(), std::optional<Pattern>(Pattern::ServerSentEvents));
    QCOMPARE(row.leadUs(), qint64(100));
    QCOMPARE(model.index(0, MessageRaceModel::FirstColumn).data().toString(),
             QStringLiteral("SSE, 0.10 ms ahead"));
    QCOMPARE(model.index(0, MessageRaceModel::columnFor(Pattern::ShortPoll))
                 .data(MessageRaceModel::LatencyUsRole)
                 .toLongLong(),
             qint64(400'000));
    QVERIFY(model.index(0, MessageRaceModel::columnFor(Pattern::ShortPoll))
                .data()
                .toString()
                .startsWith(QLatin1String("400 ms"))); // as Units writes a duration
}

void TestMessageRaceModel::requestsAreChargedToTheNextDelivery() {
    MessageRaceModel model;
    for (int i = 0; i < 4; ++i)
        model.addTrafficEvent(request(Pattern::ShortPoll));
    model.addTrafficEvent(request(Pattern::LongPoll));
    const DeliveredMessage a{1, QStringLiteral("a"), T0}, b{2, QStringLiteral("b"), T0};
    model.addTrafficEvent(delivery(Pattern::ShortPoll, T0 + 10, {a, b}));
    model.addTrafficEvent(delivery(Pattern::LongPoll, T0 + 10, {a}));
    model.addTrafficEvent(delivery(Pattern::ServerSentEvents, T0 + 10, {a}));
    QCOMPARE(model.rowCount(), 2);
    // Row 0 is the newest (b).
    QCOMPARE(model.row(1).requests[Pattern::ShortPoll], 4); // short poll: 4 requests brought "a"
    QCOMPARE(model.row(0).requests[Pattern::ShortPoll], 0); // ... and "b" came in the same answer
    QCOMPARE(model.row(1).requests[Pattern::LongPoll], 1);
    QCOMPARE(model.row(1).requests[Pattern::ServerSentEvents], 0); // SSE: no new request needed
    QCOMPARE(model.index(1, MessageRaceModel::columnFor(Pattern::ShortPoll))
                 .data(MessageRaceModel::RequestsRole)
                 .toInt(),
             4);
}

void TestMessageRaceModel::newestFirstAndBounded() {
    MessageRaceModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setMaxRows(10);
    for (quint64 id = 1; id <= 25; ++id)
        model.addPublished(DeliveredMessage{id, QString::number(id), T0});
    QCOMPARE(model.rowCount(), 10);
    QCOMPARE(model.row(0).id, quint64(25));
    QCOMPARE(model.row(9).id, quint64(16));
    // Too old to keep: ignored.
    model.addTrafficEvent(delivery(Pattern::LongPoll, T0 + 5, {DeliveredMessage{3, {}, T0}}));
    QCOMPARE(model.rowCount(), 10);
    // Out of order but recent: inserted at its place.
    model.addPublished(DeliveredMessage{30, QStringLiteral("30"), T0});
    model.addPublished(DeliveredMessage{28, QStringLiteral("28"), T0});
    QCOMPARE(model.row(0).id, quint64(30));
    QCOMPARE(model.row(1).id, quint64(28));
    model.clear();
    QCOMPARE(model.rowCount(), 0);
}

void TestMessageRaceModel::duplicatesDoNotChangeLatency() {
    MessageRaceModel model;
    const DeliveredMessage m{3, QStringLiteral("x"), T0};
    model.addTrafficEvent(delivery(Pattern::ServerSentEvents, T0 + 100, {m}));
    model.addTrafficEvent(delivery(Pattern::ServerSentEvents, T0 + 9'000, {m}));
    QCOMPARE(model.row(0).latencyUs[Pattern::ServerSentEvents], qint64(100));
}

QTEST_MAIN(TestMessageRaceModel)
#include "tst_messageracemodel.moc"
