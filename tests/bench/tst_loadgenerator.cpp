#include "slowpublishserver.h"

#include <loadgenerator.h>
#include <pollsubscribers.h>
#include <serverhost.h>

#include <QtNetwork/QTcpServer>
#include <QtTest/QTest>

#include <array>
#include <cstdlib>

using namespace PushLab;
using namespace PushLab::Bench;

// Small end-to-end runs of the load generator against a real PushLab server on a loopback
// port: what `pushlab-cli bench` reports must match what happened.
class TestLoadGenerator : public QObject {
    Q_OBJECT

private:
    static BenchOptions optionsFor(const QUrl &server, Pattern pattern) {
        const QString patternArgument = patternKey(pattern);
        const auto parsed = BenchOptions::parse(
            {QStringLiteral("pushlab-cli"), QStringLiteral("--pattern"), patternArgument,
             QStringLiteral("--server"), server.toString(), QStringLiteral("--clients"),
             QStringLiteral("25"), QStringLiteral("--messages"), QStringLiteral("4"),
             QStringLiteral("--rate"), QStringLiteral("20"), QStringLiteral("--settle"),
             QStringLiteral("0.2"), QStringLiteral("--idle"), QStringLiteral("0.2"),
             QStringLiteral("--drain"), QStringLiteral("10"), QStringLiteral("--duration-limit"),
             QStringLiteral("60")});
        return *parsed.options;
    }

private Q_SLOTS:
    void everyDeliveryIsCounted_data() {
        QTest::addColumn<Pattern>("pattern");
        for (Pattern p : PushLab::allPatterns) // every pattern the bench can hold
            QTest::newRow(qPrintable(PushLab::patternName(p))) << p;
    }

    void everyDeliveryIsCounted() {
        QFETCH(Pattern, pattern);
        ServerConfig config;
        config.port = 0;
        ServerHost host(config);
        QString error;
        QVERIFY2(host.start(&error), qPrintable(error));

        BenchOptions options = optionsFor(host.url(), pattern);
        options.serverPids = {int(QCoreApplication::applicationPid())};
        LoadGenerator generator(options);
        int progressCalls = 0;
        generator.setProgressHandler([&](const LoadGenerator::Progress &) { ++progressCalls; });
        const std::string prepareError = generator.prepare();
        QVERIFY2(prepareError.empty(), prepareError.c_str());
        const BenchResult r = generator.run();

        QCOMPARE(r.pattern, patternKey(pattern));
        QCOMPARE(r.connected, 25);
        QVERIFY(r.allConnected);
        QCOMPARE(r.connectFailures, 0);
        QCOMPARE(r.published, 4);
        QCOMPARE(r.publishErrors, 0);
        QCOMPARE(r.expected, 100);
        QCOMPARE(r.received, 100);
        QCOMPARE(r.lost, 0);
        QCOMPARE(r.duplicates, 0);
        QCOMPARE(r.reachedEveryone, 4);
        QCOMPARE(r.latency.count, std::size_t(100));
        QVERIFY(r.latency.p50 > 0);
        QVERIFY(r.latency.p50 <= r.latency.p99 && r.latency.p99 <= r.latency.max);
        QVERIFY(r.requests >= 25);
        QVERIFY(r.serverSampled);
        QVERIFY(r.rssConnectedKiB > 0);
        QVERIFY(r.idleSeconds >= 0.2);
        QVERIFY(r.cpuIdleSeconds >= 0);
        QVERIFY(!r.timedOut);
        QVERIFY(progressCalls >= 1);
        const QJsonObject json = r.toJson();
        QCOMPARE(json[QStringLiteral("deliveries")][QStringLiteral("lost")].toInt(), 0);
        QVERIFY(r.toText().contains(QStringLiteral("100 / 100 received, 0 lost")));
        host.stop();
    }

    void publishesThroughTheSeedGetRoute() {
        ServerConfig config;
        config.port = 0;
        ServerHost host(config);
        QVERIFY(host.start());
        const QString base = host.url().adjusted(QUrl::RemovePath).toString();
        const auto parsed = BenchOptions::parse(
            {QStringLiteral("x"), QStringLiteral("--pattern=sse"),
             QStringLiteral("--subscribe-url=") + base + QStringLiteral("/events"),
             QStringLiteral("--publish-url=") + base +
                 QStringLiteral("/updatemessage?message={text}"),
             QStringLiteral("--publish-method=GET"), QStringLiteral("--clients=5"),
             QStringLiteral("--messages=3"), QStringLiteral("--rate=20"),
             QStringLiteral("--settle=0.2"), QStringLiteral("--duration-limit=30")});
        QVERIFY2(parsed.options, qPrintable(parsed.error));
        LoadGenerator generator(*parsed.options);
        QVERIFY(generator.prepare().empty());
        const BenchResult r = generator.run();
        QCOMPARE(r.publishErrors, 0);
        QCOMPARE(r.received, 15);
        QCOMPARE(r.lost, 0);
        host.stop();
    }

    void repeatedSubscribeUrlsSplitTheCrowd() {
        // Two servers that share nothing: the clients on the publisher's get every message,
        // the others none, so half of the deliveries go missing when the crowd is split.
        ServerConfig config;
        config.port = 0;
        ServerHost a(config);
        ServerHost b(config);
        QVERIFY(a.start() && b.start());
        const auto events = [](const ServerHost &h) -> QString { // not a QStringBuilder
            return h.url().adjusted(QUrl::RemovePath).toString() + QStringLiteral("/api/events");
        };
        const auto parsed = BenchOptions::parse(
            {QStringLiteral("x"), QStringLiteral("--pattern=sse"),
             QStringLiteral("--subscribe-url=") + events(a),
             QStringLiteral("--subscribe-url=") + events(b),
             QStringLiteral("--publish-url=") + a.url().toString() + QStringLiteral("api/messages"),
             QStringLiteral("--clients=10"), QStringLiteral("--messages=3"),
             QStringLiteral("--rate=20"), QStringLiteral("--settle=0.2"),
             QStringLiteral("--drain=0.5"), QStringLiteral("--duration-limit=30")});
        QVERIFY2(parsed.options, qPrintable(parsed.error));
        LoadGenerator generator(*parsed.options);
        QVERIFY(generator.prepare().empty());
        const BenchResult r = generator.run();
        QCOMPARE(r.connected, 10);
        QCOMPARE(r.published, 3);
        QCOMPARE(r.expected, 30);
        QCOMPARE(r.received, 15);
        QCOMPARE(r.lost, 15);
        QVERIFY(r.subscribeUrl.contains(events(b)));
        a.stop();
        b.stop();
    }

    void slowPublishAnswers_data() {
        QTest::addColumn<int>("connections");
        QTest::newRow("one publisher connection: the schedule slips") << 1;
        QTest::newRow("four publisher connections: due messages do not wait") << 4;
    }

    void slowPublishAnswers() {
        // Every publish is answered (and delivered) 300 ms after it arrives; 4 messages are
        // due 10 ms apart. One connection sends each only after the previous answer, so
        // message 3 goes out at least 3 × 300 ms after the first, 870 ms after it was due:
        // the latency from the send hides that wait, the latency from the schedule keeps it.
        constexpr int delayMs = 300;
        SlowPublishServer server(delayMs);
        QVERIFY(server.start());
        const QString base = QStringLiteral("http://127.0.0.1:%1").arg(server.port());
        QFETCH(int, connections);
        const auto parsed = BenchOptions::parse(
            {QStringLiteral("x"), QStringLiteral("--pattern=sse"),
             QStringLiteral("--subscribe-url=") + base + QStringLiteral("/events"),
             QStringLiteral("--publish-url=") + base + QStringLiteral("/pub"),
             QStringLiteral("--publish-connections=%1").arg(connections),
             QStringLiteral("--clients=3"), QStringLiteral("--messages=4"),
             QStringLiteral("--rate=100"), QStringLiteral("--settle=0.2"),
             QStringLiteral("--drain=10"), QStringLiteral("--duration-limit=60")});
        QVERIFY2(parsed.options, qPrintable(parsed.error));
        LoadGenerator generator(*parsed.options);
        QVERIFY(generator.prepare().empty());
        const BenchResult r = generator.run();
        QCOMPARE(r.received, 12);
        QCOMPARE(r.lost, 0);
        QCOMPARE(r.answered, 4);
        QCOMPARE(r.notSent, 0);
        QCOMPARE(r.publishConnections, connections);
        QCOMPARE(r.latencyFromSchedule.count, std::size_t(12));
        QCOMPARE(server.publishes(), 4);
        // Both measures include the server's 300 ms; the schedule's is never the smaller.
        QVERIFY(r.latency.p50 >= delayMs * 1000);
        QVERIFY(r.latencyFromSchedule.p50 >= r.latency.p50);
        QVERIFY(r.latencyFromSchedule.max >= r.latency.max);
        if (connections == 1) {
            QCOMPARE(server.mostOpenPublishes(), 1);
            QCOMPARE(r.mostPublishesInFlight, 1);
            QVERIFY2(r.sendDelay.max >= (3 * delayMs - 30) * 1000, qPrintable(r.toText()));
            QVERIFY2(r.latencyFromSchedule.max >= r.latency.max + 600'000, qPrintable(r.toText()));
            QCOMPARE(r.sentLate, 3);          // messages 1-3 waited for an answer
            QCOMPARE(r.sentAfterSchedule, 3); // ... past the schedule's end, 40 ms in
        } else {
            // Each due message found a free connection: all four waited at the server at once.
            QCOMPARE(server.mostOpenPublishes(), 4);
            QCOMPARE(r.mostPublishesInFlight, 4);
        }
        const QJsonObject json = r.toJson();
        QCOMPARE(json[QStringLiteral("messages")][QStringLiteral("answered")].toInt(), 4);
        QVERIFY(json[QStringLiteral("latencyFromScheduleMs")][QStringLiteral("p50")].toDouble() >=
                json[QStringLiteral("latencyMs")][QStringLiteral("p50")].toDouble());
        QVERIFY(r.toText().contains(QStringLiteral("(from the message's scheduled time)")));
    }

    void everyRequestedMessageIsAccountedFor() {
        // A run cut short by --duration-limit while the publisher waits for slow answers:
        // the messages it never sent are reported, not silently dropped from the count.
        SlowPublishServer server(400);
        QVERIFY(server.start());
        const QString base = QStringLiteral("http://127.0.0.1:%1").arg(server.port());
        const auto parsed = BenchOptions::parse(
            {QStringLiteral("x"), QStringLiteral("--pattern=sse"),
             QStringLiteral("--subscribe-url=") + base + QStringLiteral("/events"),
             QStringLiteral("--publish-url=") + base + QStringLiteral("/pub"),
             QStringLiteral("--clients=2"), QStringLiteral("--messages=20"),
             QStringLiteral("--rate=100"), QStringLiteral("--settle=0"),
             QStringLiteral("--duration-limit=1")});
        QVERIFY2(parsed.options, qPrintable(parsed.error));
        LoadGenerator generator(*parsed.options);
        QVERIFY(generator.prepare().empty());
        const BenchResult r = generator.run();
        QVERIFY(r.timedOut);
        QVERIFY2(r.notSent >= 17, qPrintable(r.toText())); // at most 3 answers fit in 1 s
        const int inFlight = r.published - r.answered;
        QVERIFY(inFlight == 0 || inFlight == 1);
        QCOMPARE(r.answered + r.publishErrors + inFlight + r.notSent, 20);
        QCOMPARE(r.toJson()[QStringLiteral("messages")][QStringLiteral("notSent")].toInt(),
                 r.notSent);
    }

    void refusedClientsAreReportedNotHidden() {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const quint16 port = probe.serverPort();
        probe.close(); // nobody listens there now

        const QUrl url(QStringLiteral("http://127.0.0.1:%1").arg(port));
        const auto parsed = BenchOptions::parse(
            {QStringLiteral("x"), QStringLiteral("--server"), url.toString(),
             QStringLiteral("--clients=10"), QStringLiteral("--messages=2"),
             QStringLiteral("--rate=50"), QStringLiteral("--settle=0"),
             QStringLiteral("--drain=0.2"), QStringLiteral("--duration-limit=20")});
        QVERIFY(parsed.options);
        LoadGenerator generator(*parsed.options);
        QVERIFY(generator.prepare().empty());
        const BenchResult r = generator.run();
        QCOMPARE(r.connected, 0);
        QCOMPARE(r.connectFailures, 10);
        QVERIFY(!r.allConnected);
        QCOMPARE(r.published, 0);
        QCOMPARE(r.publishErrors, 2);
        // The report says why, not only how many.
        QCOMPARE(r.firstFailure, QStringLiteral("connect: Connection refused"));
        QVERIFY2(r.toText().contains(QStringLiteral("10 failed: connect: Connection refused")),
                 qPrintable(r.toText()));
        QCOMPARE(r.toJson()[QStringLiteral("clients")][QStringLiteral("firstFailure")].toString(),
                 r.firstFailure);
    }

    void refusedByTheServerSaysTheStatus() {
        ServerConfig config;
        config.port = 0;
        config.maxConnections = 4; // the fifth connection on is answered 503
        ServerHost host(config);
        QString error;
        QVERIFY2(host.start(&error), qPrintable(error));
        BenchOptions options = optionsFor(host.url(), Pattern::ServerSentEvents);
        options.clients = 10;
        options.messages = 0;
        LoadGenerator generator(options);
        QVERIFY(generator.prepare().empty());
        const BenchResult r = generator.run();
        QCOMPARE(r.connected, 4);
        QCOMPARE(r.connectFailures, 6);
        QCOMPARE(r.firstFailure, QStringLiteral("answered HTTP 503"));
        QVERIFY2(r.toText().contains(QStringLiteral("6 failed: answered HTTP 503")),
                 qPrintable(r.toText()));
        QVERIFY(r.toJson()[QStringLiteral("clients")].toObject().value(u"firstDrop").isUndefined());
        host.stop();
    }

    void shortPollersAreSpreadOverTheInterval() {
        // The first pause after a client's first answer puts it at its own moment of the
        // interval; every later pause is the interval itself.
        constexpr int clients = 1000;
        constexpr int intervalMs = 1000;
        std::array<int, 10> perTenth{};
        for (int k = 0; k < clients; ++k) {
            const std::int64_t first = PollSubscribers::shortPollPauseUs(k, intervalMs, true);
            QVERIFY(first >= 0 && first < intervalMs * 1000);
            ++perTenth[std::size_t(first / (intervalMs * 100))];
            QCOMPARE(PollSubscribers::shortPollPauseUs(k, intervalMs, false),
                     std::int64_t(intervalMs) * 1000);
        }
        for (int n : perTenth) // 100 each if perfectly even
            QVERIFY2(n >= 90 && n <= 110, qPrintable(QString::number(n)));
        // Neighbours are far apart: two clients started one after the other do not ask together.
        const auto gap = std::abs(PollSubscribers::shortPollPauseUs(1, intervalMs, true) -
                                  PollSubscribers::shortPollPauseUs(2, intervalMs, true));
        QVERIFY(gap > 200'000);
        QCOMPARE(PollSubscribers::shortPollPauseUs(7, 0, true), 0); // --interval 0: no pause
    }

    void pollsNeedTheCursorRoute() {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const quint16 port = probe.serverPort();
        probe.close();
        const auto parsed = BenchOptions::parse(
            {QStringLiteral("x"), QStringLiteral("--pattern=long"), QStringLiteral("--server"),
             QStringLiteral("http://127.0.0.1:%1").arg(port)});
        LoadGenerator generator(*parsed.options);
        const std::string error = generator.prepare();
        QVERIFY(error.find("cursor") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestLoadGenerator)
#include "tst_loadgenerator.moc"
