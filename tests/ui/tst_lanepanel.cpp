// A lane's panel: every latency figure carries its sample count, and p95 / p99 appear only from
// the counts at which they stop being the maximum under another name.
#include "lanepanel.h"

#include <QtTest/QTest>

using PushLab::Pattern;
using namespace Qt::StringLiterals;

class TestLanePanel final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void percentilesNeedEnoughSamples_data();
    void percentilesNeedEnoughSamples();
    void noDeliveriesShowNoFigures();
};

void TestLanePanel::percentilesNeedEnoughSamples_data() {
    QTest::addColumn<qint64>("samples");
    QTest::addColumn<QString>("n");
    QTest::addColumn<QString>("p95");
    QTest::addColumn<QString>("p99");

    QTest::newRow("one delivery: min, p50 and max only") << 1LL << u"n=1"_s << u"–"_s << u"–"_s;
    QTest::newRow("19: p95 would still be the maximum") << 19LL << u"n=19"_s << u"–"_s << u"–"_s;
    QTest::newRow("20: p95 appears") << 20LL << u"n=20"_s << u"4.00"_s << u"–"_s;
    QTest::newRow("99: p99 would still be the maximum") << 99LL << u"n=99"_s << u"4.00"_s << u"–"_s;
    QTest::newRow("100: p99 appears") << 100LL << u"n=100"_s << u"4.00"_s << u"9.00"_s;
    QTest::newRow("a long run, grouped as the locale writes it")
        << 123'456LL << u"n=" + QLocale().toString(123'456) << u"4.00"_s << u"9.00"_s;
}

void TestLanePanel::percentilesNeedEnoughSamples() {
    QFETCH(qint64, samples);
    QFETCH(QString, n);
    QFETCH(QString, p95);
    QFETCH(QString, p99);
    LanePanel panel(Pattern::LongPoll);
    LatencySummary s;
    s.messages = samples;
    s.latencyCount = samples;
    s.minMs = 0.5;
    s.p50Ms = 1;
    s.p95Ms = 4;
    s.p99Ms = 9;
    s.maxMs = 12;
    panel.setSummary(s);
    QCOMPARE(panel.countText(u"n"_s), n);
    QCOMPARE(panel.countText(u"min"_s), u"0.50"_s);
    QCOMPARE(panel.countText(u"p50"_s), u"1.00"_s);
    QCOMPARE(panel.countText(u"p95"_s), p95);
    QCOMPARE(panel.countText(u"p99"_s), p99);
    QCOMPARE(panel.countText(u"max"_s), u"12.0"_s);
}

void TestLanePanel::noDeliveriesShowNoFigures() {
    LanePanel panel(Pattern::ServerSentEvents);
    panel.setSummary({});
    QCOMPARE(panel.countText(u"n"_s), u"n=0"_s);
    for (const QString &key : {u"min"_s, u"p50"_s, u"p95"_s, u"p99"_s, u"max"_s})
        QCOMPARE(panel.countText(key), u"–"_s);
}

QTEST_MAIN(TestLanePanel)
#include "tst_lanepanel.moc"
