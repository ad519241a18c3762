// PollEncoder and SseEncoder: the polls' answers and the stream's non-message bytes, from a
// history alone (no sockets).
#include "messagelog.h"
#include "pollencoder.h"
#include "sseencoder.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtTest/QTest>

class TestPollEncoder final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void bodyHasWhatAClientLacks_data();
    void bodyHasWhatAClientLacks();
    void bodySaysWhenTheHistoryIsGone_data();
    void bodySaysWhenTheHistoryIsGone();
    void timedOutSaysWhereNowIs();
    void answersAreUncachedAndCrossOrigin();
    void streamHeadAnnouncesHeartbeatAndRetry_data();
    void streamHeadAnnouncesHeartbeatAndRetry();
    void gapEventIsOneEvent();
};

namespace {
constexpr quint64 firstId = 100;

MessageLog logWith(int messages, int capacity = 10) {
    MessageLog log(capacity, firstId);
    for (int i = 0; i < messages; ++i)
        log.append(QStringLiteral("m%1").arg(i), 1000 + i);
    return log;
}

QJsonObject parse(const QByteArray &json) {
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError)
        qWarning() << "not JSON:" << json << error.errorString();
    return doc.object();
}
} // namespace

void TestPollEncoder::bodyHasWhatAClientLacks_data() {
    QTest::addColumn<int>("published");
    QTest::addColumn<quint64>("since");
    QTest::addColumn<QStringList>("texts");
    QTest::newRow("nothing published") << 0 << quint64(0) << QStringList();
    QTest::newRow("has seen nothing")
        << 3 << quint64(0)
        << QStringList{QStringLiteral("m0"), QStringLiteral("m1"), QStringLiteral("m2")};
    QTest::newRow("has seen the first")
        << 3 << firstId << QStringList{QStringLiteral("m1"), QStringLiteral("m2")};
    QTest::newRow("up to date") << 3 << firstId + 2 << QStringList();
}

void TestPollEncoder::bodyHasWhatAClientLacks() {
    QFETCH(int, published);
    QFETCH(quint64, since);
    QFETCH(QStringList, texts);
    const MessageLog log = logWith(published);
    int count = -1;
    const QJsonObject body = parse(PollEncoder::body(log, since, &count));
    QCOMPARE(count, texts.size());
    QStringList got;
    for (const QJsonValue &m : body.value(QStringLiteral("messages")).toArray())
        got << m.toObject().value(QStringLiteral("text")).toString();
    QCOMPARE(got, texts);
    QCOMPARE(quint64(body.value(QStringLiteral("lastId")).toInteger()), log.lastId());
    QVERIFY(!body.contains(QStringLiteral("gap")));
}

void TestPollEncoder::bodySaysWhenTheHistoryIsGone_data() {
    QTest::addColumn<quint64>("since");
    QTest::addColumn<QString>("reason");
    // 15 published into a history of 10: ids 100..114, 105..114 kept.
    QTest::newRow("evicted") << firstId + 1 << QStringLiteral("evicted");
    QTest::newRow("an earlier run") << quint64(7) << QStringLiteral("restart");
    QTest::newRow("never given out") << firstId + 1000 << QStringLiteral("unknown");
}

void TestPollEncoder::bodySaysWhenTheHistoryIsGone() {
    QFETCH(quint64, since);
    QFETCH(QString, reason);
    const MessageLog log = logWith(15);
    int count = 0;
    const QJsonObject body = parse(PollEncoder::body(log, since, &count));
    const QJsonObject gap = body.value(QStringLiteral("gap")).toObject();
    QCOMPARE(gap.value(QStringLiteral("reason")).toString(), reason);
    QCOMPARE(quint64(gap.value(QStringLiteral("lastSeenId")).toInteger()), since);
    QCOMPARE(quint64(gap.value(QStringLiteral("firstAvailableId")).toInteger()), firstId + 5);
    QCOMPARE(count, 10); // everything still kept, oldest first
}

void TestPollEncoder::timedOutSaysWhereNowIs() {
    const QByteArray bytes = PollEncoder::timedOut(4242).toBytes();
    QVERIFY(bytes.startsWith("HTTP/1.1 204 No Content\r\n"));
    QVERIFY(bytes.contains("\r\nX-Last-Id: 4242\r\n"));
    QVERIFY(!bytes.contains("Content-Length")); // a 204 has no body and says no length
}

void TestPollEncoder::answersAreUncachedAndCrossOrigin() {
    const MessageLog log = logWith(1);
    const QByteArray bytes = PollEncoder::answer(log, 0).toBytes();
    QVERIFY(bytes.contains("\r\nCache-Control: no-store\r\n"));
    QVERIFY(bytes.contains("\r\nAccess-Control-Allow-Origin: *\r\n"));
    QVERIFY(bytes.endsWith(PollEncoder::body(log, 0)));
}

void TestPollEncoder::streamHeadAnnouncesHeartbeatAndRetry_data() {
    QTest::addColumn<bool>("closeAfter");
    QTest::addColumn<int>("heartbeatMs");
    QTest::newRow("keep-alive, 15 s") << false << 15000;
    QTest::newRow("close, 60 s") << true << 60000;
}

void TestPollEncoder::streamHeadAnnouncesHeartbeatAndRetry() {
    QFETCH(bool, closeAfter);
    QFETCH(int, heartbeatMs);
    const QByteArray head = SseEncoder::head({closeAfter, 2500, heartbeatMs});
    QVERIFY(head.startsWith("HTTP/1.1 200 OK\r\n"));
    QVERIFY(head.contains("\r\nContent-Type: text/event-stream; charset=utf-8\r\n"));
    QVERIFY(head.contains(
        QByteArray("\r\nX-Heartbeat-Interval: " + QByteArray::number(heartbeatMs) + "\r\n")));
    QVERIFY(
        head.contains(closeAfter ? "\r\nConnection: close\r\n" : "\r\nConnection: keep-alive\r\n"));
    QVERIFY(!head.contains("Content-Length")); // a stream ends with its connection
    QVERIFY(head.endsWith("\r\n\r\nretry: 2500\n\n"));
}

void TestPollEncoder::gapEventIsOneEvent() {
    const QByteArray event = SseEncoder::gapEvent({3, 9, MessageLog::Gap::Reason::Evicted});
    QCOMPARE(event,
             QByteArray("event: gap\ndata: "
                        "{\"lastSeenId\":3,\"firstAvailableId\":9,\"reason\":\"evicted\"}\n\n"));
    QVERIFY(SseEncoder::heartbeat().startsWith(':')); // a comment: no event for the client
    QVERIFY(SseEncoder::heartbeat().endsWith("\n\n"));
}

QTEST_GUILESS_MAIN(TestPollEncoder)
#include "tst_pollencoder.moc"
