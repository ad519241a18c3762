#include <durationsummary.h>
#include <messagemarker.h>
#include <pollcursor.h>
#include <procsampler.h>

#include <QtTest/QTest>

#include <unistd.h>

using namespace PushLab::Bench;

// The small parsers the load generator relies on to recognise deliveries and read /proc.
class TestBenchParsers : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void markers_data() {
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<QList<int>>("sequences");
        QTest::newRow("raw Nchan body") << QByteArray("plb-abc-7") << QList<int>{7};
        QTest::newRow("PushLab JSON list")
            << QByteArray("{\"messages\":[{\"id\":1,\"text\":\"plb-abc-0\"},{\"id\":2,\"text\":"
                          "\"plb-abc-12\"}],\"lastId\":2}")
            << QList<int>{0, 12};
        QTest::newRow("another run's marker is ignored")
            << QByteArray("plb-zzz-3 plb-abc-4") << QList<int>{4};
        QTest::newRow("prefix without digits") << QByteArray("plb-abc-x") << QList<int>{};
        QTest::newRow("nothing") << QByteArray("Message 1") << QList<int>{};
    }

    void markers() {
        QFETCH(QByteArray, payload);
        QFETCH(QList<int>, sequences);
        const MessageMarker marker("abc");
        QCOMPARE(marker.text(5), std::string("plb-abc-5"));
        QList<int> seen;
        marker.scan(payload.toStdString(), [&](std::uint32_t s) { seen << int(s); });
        QCOMPARE(seen, sequences);
    }

    void randomTokensDiffer() {
        QVERIFY(MessageMarker::randomToken() != MessageMarker::randomToken());
    }

    void lastId_data() {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QByteArray>("lastId");
        QTest::newRow("PushLab") << QByteArray("{\"messages\":[],\"lastId\":1764000000000001}")
                                 << QByteArray("1764000000000001");
        QTest::newRow("spaces") << QByteArray("{\"lastId\" : 5}") << QByteArray("5");
        QTest::newRow("absent") << QByteArray("plb-abc-1") << QByteArray();
    }

    void lastId() {
        QFETCH(QByteArray, body);
        QFETCH(QByteArray, lastId);
        QCOMPARE(QByteArray::fromStdString(PollCursor::lastIdOf(body.toStdString())), lastId);
    }

    void percentiles_data() {
        QTest::addColumn<QList<qint64>>("samples");
        QTest::addColumn<qint64>("p50");
        QTest::addColumn<qint64>("p99");
        QTest::addColumn<qint64>("max");
        QTest::newRow("empty") << QList<qint64>{} << qint64(0) << qint64(0) << qint64(0);
        QTest::newRow("one") << QList<qint64>{7} << qint64(7) << qint64(7) << qint64(7);
        QTest::newRow("unsorted four")
            << QList<qint64>{40, 10, 30, 20} << qint64(20) << qint64(40) << qint64(40);
        QList<qint64> hundred;
        for (int i = 100; i >= 1; --i)
            hundred << i;
        QTest::newRow("1..100") << hundred << qint64(50) << qint64(99) << qint64(100);
    }

    void percentiles() {
        QFETCH(QList<qint64>, samples);
        std::vector<std::int64_t> v(samples.begin(), samples.end());
        const DurationSummary s = DurationSummary::of(v);
        QCOMPARE(s.count, std::size_t(samples.size()));
        QTEST(qint64(s.p50), "p50");
        QTEST(qint64(s.p99), "p99");
        QTEST(qint64(s.max), "max");
    }

    void procStat_data() {
        QTest::addColumn<QByteArray>("stat");
        QTest::addColumn<qint64>("ticks");
        QTest::newRow("plain")
            << QByteArray("1234 (pushlab-cli) S 1 1234 1234 0 -1 4194560 500 0 0 0 120 30 0 0 20 0 "
                          "3 0 100 1000 200")
            << qint64(150);
        QTest::newRow("name with spaces and parens")
            << QByteArray("99 (nginx: (worker) x) R 1 2 3 4 5 6 7 8 9 10 7 8 0 0") << qint64(15);
        QTest::newRow("truncated") << QByteArray("99 (x) R 1 2 3") << qint64(-1);
    }

    void procStat() {
        QFETCH(QByteArray, stat);
        QFETCH(qint64, ticks);
        const auto parsed = ProcSampler::parseStatTicks(stat.toStdString());
        QCOMPARE(parsed ? qint64(*parsed) : qint64(-1), ticks);
    }

    void procStatusRss() {
        QCOMPARE(
            ProcSampler::parseStatusRssKiB("Name:\tx\nVmPeak:\t 100 kB\nVmRSS:\t   20480 kB\n"),
            std::optional<std::int64_t>(20480));
        QVERIFY(!ProcSampler::parseStatusRssKiB("Name:\tkthread\n"));
    }

    void samplesThisProcess() {
        const ProcSampler sampler({int(getpid())});
        const auto s = sampler.sample();
        QVERIFY(s.valid);
        QVERIFY(s.rssKiB > 0);
        QVERIFY(!ProcSampler({}).sample().valid);
    }
};

QTEST_APPLESS_MAIN(TestBenchParsers)
#include "tst_benchparsers.moc"
