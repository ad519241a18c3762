// The network lab's timing on its own: when bytes handed to a link come out.
#include "linkpreset.h"
#include "linkschedule.h"

#include <QtTest/QTest>

using Way = LinkSchedule::Way;

class tst_LinkSchedule final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void delay_data();
    void delay();
    void orderIsKeptWhateverTheJitter();
    void bandwidthIsSharedByTheConnectionsOfALink();
    void lossStallsForARetransmissionTimeout();
    void presetsAreWhatTheySay_data();
    void presetsAreWhatTheySay();
};

void tst_LinkSchedule::delay_data() {
    QTest::addColumn<int>("latencyMs");
    QTest::addColumn<qint64>("bandwidthKbit");
    QTest::addColumn<qint64>("bytes");
    QTest::addColumn<qint64>("expectedUs");
    QTest::newRow("a transparent link hands bytes on at once")
        << 0 << qint64(0) << qint64(500) << qint64(0);
    QTest::newRow("latency alone") << 85 << qint64(0) << qint64(500) << qint64(85'000);
    // 1448 bytes = 11,584 bits at 9,000 kbit/s = 1,287 µs on the wire.
    QTest::newRow("a segment at 4G's 9 Mbit/s")
        << 0 << qint64(9'000) << qint64(1448) << qint64(1'287);
    QTest::newRow("latency plus serialization")
        << 150 << qint64(1'600) << qint64(16'000) << qint64(150'000 + 80'000);
}

void tst_LinkSchedule::delay() {
    QFETCH(int, latencyMs);
    QFETCH(qint64, bandwidthKbit);
    QFETCH(qint64, bytes);
    QFETCH(qint64, expectedUs);
    LinkSchedule schedule;
    LinkConditions c;
    c.down = {latencyMs, 0, bandwidthKbit};
    schedule.setConditions(c);
    const qint64 now = 1'000'000;
    const LinkSchedule::Slot slot = schedule.schedule(Way::Down, bytes, now, 0);
    QCOMPARE(slot.dueUs - now, expectedUs);
    QCOMPARE(slot.stallUs, 0);
    // The other way is untouched by this way's conditions.
    QCOMPARE(schedule.schedule(Way::Up, bytes, now, 0).dueUs, now);
}

void tst_LinkSchedule::orderIsKeptWhateverTheJitter() {
    LinkSchedule schedule(7);
    LinkConditions c;
    c.down = {50, 40, 0};
    schedule.setConditions(c);
    qint64 last = 0;
    qint64 smallest = std::numeric_limits<qint64>::max();
    qint64 largest = 0;
    for (int i = 0; i < 2000; ++i) {
        const qint64 now = 1'000'000 + i * 100; // a chunk every 0.1 ms
        const LinkSchedule::Slot slot = schedule.schedule(Way::Down, 100, now, last);
        QVERIFY2(slot.dueUs >= last, "a later chunk overtook an earlier one");
        smallest = std::min(smallest, slot.dueUs - now);
        largest = std::max(largest, slot.dueUs - now);
        last = slot.dueUs;
    }
    QVERIFY(smallest >= 10'000); // 50 - 40 ms at least
    QVERIFY(largest > smallest); // it does vary
}

void tst_LinkSchedule::bandwidthIsSharedByTheConnectionsOfALink() {
    LinkSchedule schedule;
    LinkConditions c;
    c.down = {0, 0, 8'000}; // 1 byte per µs
    schedule.setConditions(c);
    const qint64 now = 0;
    // Two connections send 10,000 bytes each at the same moment: the second waits for the first.
    QCOMPARE(schedule.schedule(Way::Down, 10'000, now, 0).dueUs, 10'000);
    QCOMPARE(schedule.schedule(Way::Down, 10'000, now, 0).dueUs, 20'000);
    // Once the link is idle again, a chunk pays only its own time.
    QCOMPARE(schedule.schedule(Way::Down, 1'000, 100'000, 0).dueUs, 101'000);
}

void tst_LinkSchedule::lossStallsForARetransmissionTimeout() {
    LinkSchedule schedule;
    LinkConditions c;
    c.down = {85, 0, 0};
    c.up = {85, 0, 0};
    c.lossPercent = 100;
    schedule.setConditions(c);
    QCOMPARE(c.retransmitStallMs(), 370); // RTT 170 + 200
    const LinkSchedule::Slot lost = schedule.schedule(Way::Down, 100, 0, 0);
    QCOMPARE(lost.stallUs, 370'000);
    QCOMPARE(lost.dueUs, 85'000 + 370'000);

    c.lossPercent = 1;
    schedule.setConditions(c);
    int stalls = 0;
    for (int i = 0; i < 10'000; ++i)
        stalls += schedule.schedule(Way::Down, 100, 0, 0).stallUs > 0 ? 1 : 0;
    QVERIFY2(stalls > 50 && stalls < 150, qPrintable(QString::number(stalls))); // about 100
}

void tst_LinkSchedule::presetsAreWhatTheySay_data() {
    QTest::addColumn<QString>("key");
    QTest::addColumn<int>("roundTripMs");
    QTest::newRow("loopback adds nothing") << QStringLiteral("loopback") << 0;
    QTest::newRow("4G is WebPageTest's 170 ms") << QStringLiteral("4g") << 170;
    QTest::newRow("3G is WebPageTest's 300 ms") << QStringLiteral("3g") << 300;
    QTest::newRow("a geostationary satellite") << QStringLiteral("satellite") << 600;
    QTest::newRow("keys ignore case") << QStringLiteral("4G") << 170;
}

void tst_LinkSchedule::presetsAreWhatTheySay() {
    QFETCH(QString, key);
    QFETCH(int, roundTripMs);
    const LinkPreset *preset = LinkPreset::find(key);
    QVERIFY(preset);
    QCOMPARE(preset->conditions.roundTripMs(), roundTripMs);
    QVERIFY(!preset->lesson.isEmpty());
    QVERIFY(LinkPreset::keys().contains(preset->key));
    QVERIFY(!LinkPreset::find(u"5g"));
}

QTEST_GUILESS_MAIN(tst_LinkSchedule)
#include "tst_linkschedule.moc"
