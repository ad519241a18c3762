#include "messagelog.h"

#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtTest/QtTest>

class TestMessageLog : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void idsAreContiguousFromFirstId();
    void ringKeepsTheNewest();
    void gapAfter_data();
    void gapAfter();
    void forEachAfterDeliversInOrder_data();
    void forEachAfterDeliversInOrder();
    void encodingsAreMadeOnce();
    void replicaAdoptsInOrder();
    void replicaLeftBehindStartsOverWithAGap();
    void newEpochMakesEveryEarlierIdARestart();
};

void TestMessageLog::idsAreContiguousFromFirstId() {
    MessageLog log(10, 5000);
    QCOMPARE(log.lastId(), 4999u); // nothing yet: "now" is just before the first id
    QCOMPARE(log.append(QStringLiteral("a"), 1).id, 5000u);
    QCOMPARE(log.append(QStringLiteral("b"), 2).id, 5001u);
    QCOMPARE(log.lastId(), 5001u);
    QCOMPARE(log.publishedCount(), 2);
}

void TestMessageLog::ringKeepsTheNewest() {
    MessageLog log(3, 100);
    for (int i = 0; i < 10; ++i)
        log.append(QString::number(i), i);
    QCOMPARE(log.size(), 3);
    QCOMPARE(log.firstRetainedId(), 107u);
    QCOMPARE(log.lastId(), 109u);
    QCOMPARE(log.publishedCount(), 10);
}

void TestMessageLog::gapAfter_data() {
    // Ring of 3 over ids 100..109: 107, 108, 109 retained.
    QTest::addColumn<quint64>("since");
    QTest::addColumn<bool>("gap");
    QTest::addColumn<quint64>("firstAvailable");
    QTest::addColumn<int>("reason");
    using R = MessageLog::Gap::Reason;
    QTest::newRow("0 means seen nothing: no gap") << quint64(0) << false << quint64(0) << 0;
    QTest::newRow("just before the oldest kept") << quint64(106) << false << quint64(0) << 0;
    QTest::newRow("inside the ring") << quint64(108) << false << quint64(0) << 0;
    QTest::newRow("up to date") << quint64(109) << false << quint64(0) << 0;
    QTest::newRow("evicted") << quint64(105) << true << quint64(107) << int(R::Evicted);
    QTest::newRow("first of this run evicted")
        << quint64(100) << true << quint64(107) << int(R::Evicted);
    QTest::newRow("earlier run") << quint64(42) << true << quint64(107) << int(R::EarlierRun);
    QTest::newRow("ahead of us (another server)")
        << quint64(500) << true << quint64(107) << int(R::Unknown);
}

void TestMessageLog::gapAfter() {
    QFETCH(quint64, since);
    QFETCH(bool, gap);
    QFETCH(quint64, firstAvailable);
    QFETCH(int, reason);
    MessageLog log(3, 100);
    for (int i = 0; i < 10; ++i)
        log.append(QString::number(i), i);
    const auto result = log.gapAfter(since);
    QCOMPARE(result.has_value(), gap);
    if (gap) {
        QCOMPARE(result->lastSeenId, since);
        QCOMPARE(result->firstAvailableId, firstAvailable);
        QCOMPARE(int(result->reason), reason);
    }
}

void TestMessageLog::forEachAfterDeliversInOrder_data() {
    QTest::addColumn<quint64>("since");
    QTest::addColumn<QList<quint64>>("expected");
    QTest::newRow("all") << quint64(0) << QList<quint64>{107, 108, 109};
    QTest::newRow("evicted start gives what is kept")
        << quint64(101) << QList<quint64>{107, 108, 109};
    QTest::newRow("middle") << quint64(107) << QList<quint64>{108, 109};
    QTest::newRow("up to date") << quint64(109) << QList<quint64>{};
    QTest::newRow("ahead") << quint64(200) << QList<quint64>{};
}

void TestMessageLog::forEachAfterDeliversInOrder() {
    QFETCH(quint64, since);
    QFETCH(QList<quint64>, expected);
    MessageLog log(3, 100);
    for (int i = 0; i < 10; ++i)
        log.append(QString::number(i), i);
    QList<quint64> got;
    log.forEachAfter(since, [&](const Message &m) { got.append(m.id); });
    QCOMPARE(got, expected);
    const Message *next = log.nextAfter(since);
    QCOMPARE(next ? next->id : 0u, expected.isEmpty() ? 0u : expected.first());
}

void TestMessageLog::encodingsAreMadeOnce() {
    MessageLog log(2, 7);
    const Message &m = log.append(QStringLiteral("two\nlines \"quoted\""), 1234);
    const QJsonObject o = QJsonDocument::fromJson(m.json).object();
    QCOMPARE(o.value(QStringLiteral("id")).toInteger(), 7);
    QCOMPARE(o.value(QStringLiteral("publishedAt")).toInteger(), 1234);
    QCOMPARE(o.value(QStringLiteral("text")).toString(), QStringLiteral("two\nlines \"quoted\""));
    QCOMPARE(m.sseEvent, "id: 7\nevent: message\ndata: " + m.json + "\n\n");
    QCOMPARE(m.seedSseEvent, QByteArray("id: 7\ndata: two\ndata: lines \"quoted\"\n\n"));
}

void TestMessageLog::replicaAdoptsInOrder() {
    MessageLog shared(3, 100);
    MessageLog replica(3, 100);
    for (int i = 0; i < 5; ++i) {
        const Message &m = replica.adopt(shared.append(QString::number(i), i));
        QCOMPARE(m.id, 100u + quint64(i));
    }
    QCOMPARE(replica.lastId(), shared.lastId());
    QCOMPARE(replica.firstRetainedId(), shared.firstRetainedId());
    QCOMPARE(replica.publishedCount(), 5);
    QVERIFY(replica.nextAfter(102)->json.isSharedWith(shared.nextAfter(102)->json));
    QVERIFY(!replica.gapAfter(101).has_value());
    QCOMPARE(replica.gapAfter(100)->reason, MessageLog::Gap::Reason::Evicted);
}

void TestMessageLog::replicaLeftBehindStartsOverWithAGap() {
    MessageLog shared(3, 100);
    MessageLog replica(3, 100);
    replica.adopt(shared.append(QStringLiteral("seen"), 1)); // 100
    for (int i = 0; i < 6; ++i)
        shared.append(QString::number(i), i); // 101..106; the ring keeps 104..106
    shared.forEachAfter(replica.lastId(), [&](const Message &m) { replica.adopt(m); });
    QCOMPARE(replica.firstRetainedId(), 104u);
    QCOMPARE(replica.lastId(), 106u);
    QCOMPARE(replica.size(), 3);
    QCOMPARE(replica.publishedCount(), 7);
    // A client that saw 100 is told what it missed, exactly as on the shared history.
    const auto gap = replica.gapAfter(100);
    QVERIFY(gap.has_value());
    QCOMPARE(gap->firstAvailableId, 104u);
    QCOMPARE(gap->reason, MessageLog::Gap::Reason::Evicted);
}

void TestMessageLog::newEpochMakesEveryEarlierIdARestart() {
    // The shared history (Redis) lost its stream and began again at 500: what was seen of the
    // old one, evicted or not, is an earlier run's; the new ids follow on from 500.
    MessageLog log(3, 100);
    for (int i = 0; i < 5; ++i)
        log.append(QString::number(i), i); // 100..104
    log.startOver(500);
    QCOMPARE(log.size(), 0);
    QCOMPARE(log.firstId(), 500u);
    QCOMPARE(log.lastId(), 499u);
    for (quint64 seen : {100u, 104u}) {
        const auto gap = log.gapAfter(seen);
        QVERIFY(gap.has_value());
        QCOMPARE(gap->reason, MessageLog::Gap::Reason::EarlierRun);
    }
    QCOMPARE(log.adopt(Message::make(500, QStringLiteral("new"), 1)).id, 500u);
    QVERIFY(!log.gapAfter(500).has_value());
    QCOMPARE(log.gapAfter(104)->firstAvailableId, 500u);
}

QTEST_GUILESS_MAIN(TestMessageLog)
#include "tst_messagelog.moc"
