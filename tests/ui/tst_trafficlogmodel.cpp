#include "trafficlogfiltermodel.h"
#include "trafficlogmodel.h"

#include <QtCore/QBuffer>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

using PushLab::Pattern;
using Kind = TrafficEvent::Kind;

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
    e.bytes = status ? 180 : 0;
    e.messages = std::move(messages);
    return e;
}

} // namespace

class TestTrafficLogModel final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void appendIsBatchedUntilFlush();
    void boundedToMaxRows();
    void rowsShowWhatHappened();
    void filterByPattern();
    void exportCsv();
    void exportCsv_quotesAndDefusesFormulas();
    void exportJson();
    void exportNamesKindsAsWatchJsonDoes();
    void clearEmpties();
};

void TestTrafficLogModel::appendIsBatchedUntilFlush() {
    TrafficLogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    for (int i = 0; i < 50; ++i)
        model.append(traffic(Kind::RequestSent, Pattern::ShortPoll, T0 + i, quint64(i + 1)));
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.pendingCount(), 50);
    model.flush();
    QCOMPARE(model.rowCount(), 50);
    QCOMPARE(inserted.count(), 1); // one view update for the whole batch
    model.flush();
    QCOMPARE(inserted.count(), 1);
}

void TestTrafficLogModel::boundedToMaxRows() {
    TrafficLogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setMaxRows(100);
    for (int batch = 0; batch < 5; ++batch) {
        for (int i = 0; i < 70; ++i)
            model.append(
                traffic(Kind::RequestSent, Pattern::LongPoll, T0, quint64(batch * 70 + i + 1)));
        model.flush();
        QVERIFY(model.rowCount() <= 100);
    }
    QCOMPARE(model.rowCount(), 100);
    QCOMPARE(model.row(99).requestId, quint64(350)); // newest last
    QCOMPARE(model.row(0).requestId, quint64(251));
    // A flood between two flushes is bounded too.
    for (int i = 0; i < 1000; ++i)
        model.append(traffic(Kind::RequestSent, Pattern::LongPoll, T0, quint64(1000 + i)));
    QVERIFY(model.pendingCount() <= 100);
    model.flush();
    QCOMPARE(model.rowCount(), 100);
    QCOMPARE(model.row(99).requestId, quint64(1999));
}

void TestTrafficLogModel::rowsShowWhatHappened() {
    TrafficLogModel model;
    model.append(traffic(Kind::ResponseReceived, Pattern::LongPoll, T0 + 2'500, 3, 200,
                         {DeliveredMessage{17, QStringLiteral("hello"), T0}}));
    model.flush();
    const auto text = [&](int column) {
        return model.index(0, column).data().toString();
    };
    QCOMPARE(text(TrafficLogModel::PatternColumn), QStringLiteral("Long poll"));
    QCOMPARE(text(TrafficLogModel::EventColumn), QStringLiteral("Response"));
    QCOMPARE(text(TrafficLogModel::StatusColumn), QStringLiteral("200"));
    QCOMPARE(text(TrafficLogModel::BytesColumn), QStringLiteral("180 B"));
    QCOMPARE(text(TrafficLogModel::MessagesColumn), QStringLiteral("#17"));
    QCOMPARE(text(TrafficLogModel::LatencyColumn), QStringLiteral("2.50 ms"));
    QVERIFY(text(TrafficLogModel::DetailColumn).contains(QLatin1String("hello")));

    // Several messages in one answer: the range of their latencies, each written as Units does.
    TrafficEvent batch = traffic(Kind::ResponseReceived, Pattern::ShortPoll, T0 + 1'500'000, 4, 200,
                                 {DeliveredMessage{18, QStringLiteral("a"), T0},
                                  DeliveredMessage{19, QStringLiteral("b"), T0 + 1'480'000}});
    batch.bytes = 2'048;
    model.append(batch);
    model.flush();
    QCOMPARE(model.index(1, TrafficLogModel::LatencyColumn).data().toString(),
             QStringLiteral("20.0 ms – 1.50 s"));
    QCOMPARE(model.index(1, TrafficLogModel::BytesColumn).data().toString(),
             QStringLiteral("2.0 KiB"));
    QCOMPARE(model.index(1, TrafficLogModel::MessagesColumn).data().toString(),
             QStringLiteral("2 × #18…19"));
}

void TestTrafficLogModel::filterByPattern() {
    TrafficLogModel model;
    TrafficLogFilterModel filter;
    filter.setSourceModel(&model);
    QAbstractItemModelTester tester(&filter,
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    // Ten rows of each pattern.
    const int rows = 10 * int(PushLab::patternCount);
    for (int i = 0; i < rows; ++i)
        model.append(traffic(Kind::RequestSent,
                             PushLab::allPatterns[size_t(i) % PushLab::patternCount], T0 + i,
                             quint64(i)));
    model.flush();
    QCOMPARE(filter.rowCount(), rows);
    filter.setPatternShown(Pattern::ShortPoll, false);
    QCOMPARE(filter.rowCount(), rows - 10);
    filter.setPatternShown(Pattern::ServerSentEvents, false);
    filter.setPatternShown(Pattern::WebSocket, false);
    QCOMPARE(filter.rowCount(), 10);
    for (int r = 0; r < filter.rowCount(); ++r)
        QCOMPARE(filter.index(r, TrafficLogModel::PatternColumn).data().toString(),
                 QStringLiteral("Long poll"));
    // New rows respect the filter.
    model.append(traffic(Kind::RequestSent, Pattern::ShortPoll, T0 + 100, 99));
    model.append(traffic(Kind::RequestSent, Pattern::LongPoll, T0 + 101, 100));
    model.flush();
    QCOMPARE(filter.rowCount(), 11);
    filter.setPatternShown(Pattern::ShortPoll, true);
    QCOMPARE(filter.rowCount(), 22);
}

void TestTrafficLogModel::exportCsv() {
    TrafficLogModel model;
    model.append(traffic(Kind::RequestSent, Pattern::ShortPoll, T0, 1));
    model.append(traffic(Kind::ResponseReceived, Pattern::ShortPoll, T0 + 1'000, 1, 200,
                         {DeliveredMessage{5, QStringLiteral("a"), T0 - 1'000},
                          DeliveredMessage{6, QStringLiteral("b"), T0 - 500}}));
    model.append(traffic(Kind::RequestSent, Pattern::ServerSentEvents, T0 + 5, 1));
    model.flush();

    QBuffer all;
    all.open(QIODevice::WriteOnly);
    QVERIFY(model.writeCsv(all));
    const QList<QByteArray> lines = all.data().split('\n');
    QCOMPARE(lines.size(), 5); // header, 3 rows, empty after the last CRLF
    QVERIFY(lines[0].startsWith("time_us,time,pattern,event,request_id,status,bytes"));
    const QList<QByteArray> response = lines[2].trimmed().split(',');
    QCOMPARE(response[0], QByteArray::number(T0 + 1'000));
    QCOMPARE(response[2], QByteArray("short"));
    QCOMPARE(response[3], QByteArray("response"));
    QCOMPARE(response[5], QByteArray("200"));
    QCOMPARE(response[7], QByteArray("2"));     // message count
    QCOMPARE(response[8], QByteArray("5"));     // first id
    QCOMPARE(response[9], QByteArray("6"));     // last id
    QCOMPARE(response[10], QByteArray("1.50")); // min latency, ms
    QCOMPARE(response[11], QByteArray("2.00")); // max latency, ms
    QCOMPARE(response[12], QByteArray("a"));

    QBuffer onlySse;
    onlySse.open(QIODevice::WriteOnly);
    PatternSet shown;
    shown[Pattern::ServerSentEvents] = true;
    QVERIFY(model.writeCsv(onlySse, shown));
    const QList<QByteArray> sseLines = onlySse.data().trimmed().split('\n');
    QCOMPARE(sseLines.size(), 2);
    QVERIFY(sseLines[1].contains(",sse,request,"));
}

void TestTrafficLogModel::exportCsv_quotesAndDefusesFormulas() {
    TrafficLogModel model;
    model.append(traffic(Kind::ResponseReceived, Pattern::LongPoll, T0, 1, 200,
                         {DeliveredMessage{1, QStringLiteral("=HYPERLINK(\"x\")"), T0}}));
    model.append(traffic(Kind::ResponseReceived, Pattern::LongPoll, T0, 2, 200,
                         {DeliveredMessage{2, QStringLiteral("one, two"), T0}}));
    model.flush();
    QBuffer out;
    out.open(QIODevice::WriteOnly);
    QVERIFY(model.writeCsv(out));
    QVERIFY(out.data().contains(",\"'=HYPERLINK(\"\"x\"\")\","));
    QVERIFY(out.data().contains(",\"one, two\","));
}

void TestTrafficLogModel::exportJson() {
    TrafficLogModel model;
    model.append(traffic(Kind::EventReceived, Pattern::ServerSentEvents, T0 + 300, 4, 0,
                         {DeliveredMessage{1'764'000'000'000'001, QStringLiteral("hi"), T0}}));
    TrafficEvent error = traffic(Kind::Error, Pattern::LongPoll, T0 + 400, 9, 0);
    error.detail = QStringLiteral("Connection refused");
    model.append(error);
    model.flush();
    QBuffer out;
    out.open(QIODevice::WriteOnly);
    QVERIFY(model.writeJson(out));
    const QJsonArray rows = QJsonDocument::fromJson(out.data()).object().value(u"events").toArray();
    QCOMPARE(rows.size(), 2);
    const QJsonObject sse = rows[0].toObject();
    QCOMPARE(sse.value(u"pattern").toString(), QStringLiteral("sse"));
    QCOMPARE(sse.value(u"event").toString(), QStringLiteral("event"));
    QCOMPARE(sse.value(u"firstId").toInteger(), qint64(1'764'000'000'000'001));
    QCOMPARE(sse.value(u"latencyMinMs").toDouble(), 0.3);
    QCOMPARE(sse.value(u"text").toString(), QStringLiteral("hi"));
    QCOMPARE(rows[1].toObject().value(u"detail").toString(), QStringLiteral("Connection refused"));

    QBuffer onlyShort;
    onlyShort.open(QIODevice::WriteOnly);
    PatternSet shortOnly;
    shortOnly[Pattern::ShortPoll] = true;
    QVERIFY(model.writeJson(onlyShort, shortOnly));
    QCOMPARE(QJsonDocument::fromJson(onlyShort.data()).object().value(u"events").toArray().size(),
             0);
}

void TestTrafficLogModel::exportNamesKindsAsWatchJsonDoes() {
    // A stream opening is "open" in the export as in `pushlab-cli watch --json`.
    TrafficLogModel model;
    model.append(traffic(Kind::StreamOpened, Pattern::ServerSentEvents, T0, 1, 200));
    model.flush();
    QBuffer out;
    out.open(QIODevice::WriteOnly);
    QVERIFY(model.writeJson(out));
    const QJsonArray rows = QJsonDocument::fromJson(out.data()).object().value(u"events").toArray();
    QCOMPARE(rows.size(), 1);
    QCOMPARE(rows[0].toObject().value(u"event").toString(), QStringLiteral("open"));
}

void TestTrafficLogModel::clearEmpties() {
    TrafficLogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.append(traffic(Kind::RequestSent, Pattern::ShortPoll, T0, 1));
    model.flush();
    model.append(traffic(Kind::RequestSent, Pattern::ShortPoll, T0, 2));
    model.clear();
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.pendingCount(), 0);
}

QTEST_MAIN(TestTrafficLogModel)
#include "tst_trafficlogmodel.moc"
