#include "messageracemodel.h"

#include <QtGui/QFont>
#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

using PushLab::Pattern;
using namespace Qt::StringLiterals;
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
    void tieRule_data();
    void tieRule();
    void requestsAreChargedToTheNextDelivery();
    void idsAreNumberedInTheRunOnceItIsKnown();
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
    model.addTrafficEvent(delivery(Pattern::LongPoll, T0 + 2'150, {m}));
    const MessageRaceModel::Row &row = model.row(0);
    QCOMPARE(row.winner(), std::optional<Pattern>(Pattern::ServerSentEvents));
    QCOMPARE(row.leadUs(), qint64(2'000));
    QCOMPARE(model.index(0, MessageRaceModel::FirstColumn).data().toString(),
             QStringLiteral("SSE, 2.00 ms ahead"));
    QCOMPARE(model.index(0, MessageRaceModel::FirstColumn)
                 .data(MessageRaceModel::WinnerRole)
                 .value<Pattern>(),
             Pattern::ServerSentEvents);
    // WebSocket comes in 0.3 ms behind SSE: that is below what the window can tell apart.
    model.addTrafficEvent(delivery(Pattern::WebSocket, T0 + 450, {m}));
    QCOMPARE(model.index(0, MessageRaceModel::FirstColumn).data().toString(),
             QStringLiteral("tie: SSE, WebSocket"));
    QVERIFY(!model.index(0, MessageRaceModel::FirstColumn)
                 .data(MessageRaceModel::WinnerRole)
                 .isValid());
    // Both tied lanes are bold, the long poll (2 ms behind) is not.
    QVERIFY(model.index(0, MessageRaceModel::columnFor(Pattern::WebSocket))
                .data(Qt::FontRole)
                .value<QFont>()
                .bold());
    QVERIFY(!model.index(0, MessageRaceModel::columnFor(Pattern::LongPoll))
                 .data(Qt::FontRole)
                 .isValid());
    QCOMPARE(model.index(0, MessageRaceModel::columnFor(Pattern::ShortPoll))
                 .data(MessageRaceModel::LatencyUsRole)
                 .toLongLong(),
             qint64(400'000));
    QVERIFY(model.index(0, MessageRaceModel::columnFor(Pattern::ShortPoll))
                .data()
                .toString()
                .startsWith(QLatin1String("400 ms"))); // as Units writes a duration
}

void TestMessageRaceModel::tieRule_data() {
    // Each lane's latency in µs (-1: not delivered yet), and what the winner column says.
    QTest::addColumn<qint64>("shortPoll");
    QTest::addColumn<qint64>("longPoll");
    QTest::addColumn<qint64>("sse");
    QTest::addColumn<qint64>("webSocket");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<int>("tiedCount"); // 1 = a real win

    QTest::newRow("nothing delivered") << -1LL << -1LL << -1LL << -1LL << u"waiting…"_s << 0;
    QTest::newRow("one lane so far") << 400'000LL << -1LL << -1LL << -1LL << u"Short poll"_s << 1;
    QTest::newRow("loopback push lanes 0.1 ms apart: a three-way tie")
        << 400'000LL << 250LL << 150LL << 180LL << u"tie: SSE, WebSocket, Long poll"_s << 3;
    QTest::newRow("0.999 ms lead, under the 1 ms floor")
        << -1LL << 1'100LL << 101LL << -1LL << u"tie: SSE, Long poll"_s << 2;
    QTest::newRow("exactly the 1 ms floor names a winner")
        << -1LL << 1'100LL << 100LL << -1LL << u"SSE, 1.00 ms ahead"_s << 1;
    QTest::newRow("two tie, the third is far behind")
        << 400'000LL << 300LL << 500LL << -1LL << u"tie: Long poll, SSE"_s << 2;
    QTest::newRow("a tie of two does not pull in the 2 ms laggard")
        << -1LL << 2'300LL << 300LL << 600LL << u"tie: SSE, WebSocket"_s << 2;
    QTest::newRow("9 ms behind at 200 ms: under 5 %, a tie")
        << -1LL << -1LL << 200'000LL << 209'000LL << u"tie: SSE, WebSocket"_s << 2;
    QTest::newRow("11 ms behind at 200 ms: over 5 %, a win")
        << -1LL << -1LL << 200'000LL << 211'000LL << u"SSE, 11.0 ms ahead"_s << 1;
    QTest::newRow("short poll beats a long poll that waited")
        << 12'000LL << 30'000'000LL << -1LL << -1LL << u"Short poll, 30.0 s ahead"_s << 1;
    QTest::newRow("same microsecond")
        << -1LL << 700LL << 700LL << -1LL << u"tie: Long poll, SSE"_s << 2;
}

void TestMessageRaceModel::tieRule() {
    QFETCH(qint64, shortPoll);
    QFETCH(qint64, longPoll);
    QFETCH(qint64, sse);
    QFETCH(qint64, webSocket);
    QFETCH(QString, expected);
    QFETCH(int, tiedCount);

    MessageRaceModel model;
    const DeliveredMessage m{11, u"race"_s, T0};
    model.addPublished(m);
    PushLab::PatternMap<qint64> latencies;
    latencies[Pattern::ShortPoll] = shortPoll;
    latencies[Pattern::LongPoll] = longPoll;
    latencies[Pattern::ServerSentEvents] = sse;
    latencies[Pattern::WebSocket] = webSocket;
    latencies.forEach([&model, &m](Pattern p, qint64 l) {
        if (l >= 0)
            model.addTrafficEvent(delivery(p, T0 + l, {m}));
    });
    QCOMPARE(model.index(0, MessageRaceModel::FirstColumn).data().toString(), expected);
    QCOMPARE(int(model.row(0).tied().size()), tiedCount);
    QCOMPARE(model.row(0).isTie(), tiedCount > 1);
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
    model.addTrafficEvent(delivery(Pattern::WebSocket, T0 + 10, {a}));
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
    // What the table says: not "0 req" (which reads like a bug) but why nothing was sent.
    const auto text = [&model](int row, Pattern p) {
        return model.index(row, MessageRaceModel::columnFor(p)).data().toString();
    };
    QCOMPARE(text(1, Pattern::ShortPoll), u"0.01 ms · 4 req"_s);
    QCOMPARE(text(0, Pattern::ShortPoll), u"0.01 ms · same answer"_s);
    QVERIFY(model.index(0, MessageRaceModel::columnFor(Pattern::ShortPoll))
                .data(Qt::ToolTipRole)
                .toString()
                .contains(u"in the same answer as message #1"_s));
    QCOMPARE(text(1, Pattern::LongPoll), u"0.01 ms · 1 req"_s);
    QCOMPARE(text(1, Pattern::ServerSentEvents), u"0.01 ms · open stream"_s);
    QCOMPARE(text(1, Pattern::WebSocket), u"0.01 ms · open socket"_s);
    QCOMPARE(text(0, Pattern::LongPoll), u"—"_s);
}

void TestMessageRaceModel::idsAreNumberedInTheRunOnceItIsKnown() {
    MessageRaceModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    constexpr quint64 first = 1'795'825'764'616'173; // a run's start time in µs
    const DeliveredMessage a{first + 4, u"a"_s, T0}, b{first + 5, u"b"_s, T0};
    model.addTrafficEvent(request(Pattern::ShortPoll));
    model.addTrafficEvent(delivery(Pattern::ShortPoll, T0 + 10, {a, b}));
    QCOMPARE(model.index(1, MessageRaceModel::IdColumn).data().toString(), u"#1795825764616177"_s);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.setRunFirstId(first);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(model.index(1, MessageRaceModel::IdColumn).data().toString(), u"#5"_s);
    QCOMPARE(model.index(0, MessageRaceModel::IdColumn).data().toString(), u"#6"_s);
    QCOMPARE(model.index(0, MessageRaceModel::columnFor(Pattern::ShortPoll)).data().toString(),
             u"0.01 ms · same answer as #5"_s);
    // From the server's stats: 6 published, the last one first + 5.
    ServerStats stats;
    stats.lastId = first + 5;
    stats.messagesPublished = 6;
    model.setRunFirstId(0);
    model.setRunFrom(stats);
    QCOMPARE(model.index(0, MessageRaceModel::IdColumn).data().toString(), u"#6"_s);
    // A server that does not say (older, or --server elsewhere): ids in full.
    model.setRunFrom(ServerStats{});
    QCOMPARE(model.index(0, MessageRaceModel::IdColumn).data().toString(), u"#1795825764616178"_s);
    model.setRunFrom(stats);
    // The full id stays one hover away.
    QVERIFY(model.index(0, MessageRaceModel::IdColumn)
                .data(Qt::ToolTipRole)
                .toString()
                .contains(QString::number(first + 5)));
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
