// ServerStats::fromJson on known bodies, and StatsPoller against the real server.
#include "pushserver.h"
#include "serverstats.h"
#include "sseclient.h"
#include "statspoller.h"

#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

class tst_ServerStats : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { qRegisterMetaType<ServerStats>(); }
    void parsesTheStatsBody();
    void rejectsOtherBodies_data();
    void rejectsOtherBodies();
    void pollerSeesTheServer();
    void pollerReportsAnUnreachableServer();
};

void tst_ServerStats::parsesTheStatsBody() {
    const QByteArray body =
        R"json({"messagesPublished": 12, "lastId": 1760000000000011, "startedAt": 1760000000000000,
        "connections": 4, "threads": 2, "connectionsPerThread": [3, 1], "patterns": {
          "short": {"requests": 30, "open": 1, "delivered": 12, "bytesOut": 9000},
          "long": {"requests": 13, "open": 1, "delivered": 12, "bytesOut": 3000},
          "sse": {"requests": 1, "open": 2, "delivered": 24, "bytesOut": 2500}},
        "peers": [{"address": "127.0.0.1", "port": 50000, "pattern": "sse", "since": 1760000000000500,
                   "userAgent": "PushLab/0.1.0 (sse)"},
                  {"address": "127.0.0.1", "port": 50001, "pattern": "websocket", "since": 1,
                   "userAgent": "future"},
                  {"address": "::1", "port": 50002, "pattern": "short", "since": 1760000000000600,
                   "userAgent": "Mozilla/5.0"}],
        "peersTotal": 250})json";
    const auto stats = ServerStats::fromJson(body);
    QVERIFY(stats);
    QCOMPARE(stats->messagesPublished, 12);
    QCOMPARE(stats->lastId, quint64(1760000000000011));
    QCOMPARE(stats->startedAtUs, 1760000000000000);
    QCOMPARE(stats->connections, 4);
    QCOMPARE(stats->connectionsPerThread, (QList<qint64>{3, 1}));
    const auto &sse = stats->patterns[PushLab::Pattern::ServerSentEvents];
    QCOMPARE(sse.open, 2);
    QCOMPARE(sse.delivered, 24);
    QCOMPARE(stats->patterns[PushLab::Pattern::ShortPoll].bytesOut, 9000);
    QCOMPARE(stats->patterns[PushLab::Pattern::LongPoll].requests, 13);
    QCOMPARE(stats->peers.size(), 2); // the unknown pattern is skipped, the rest kept
    QCOMPARE(stats->peers.at(0).pattern, PushLab::Pattern::ServerSentEvents);
    QCOMPARE(stats->peers.at(0).port, 50000);
    QCOMPARE(stats->peers.at(0).userAgent, QStringLiteral("PushLab/0.1.0 (sse)"));
    QCOMPARE(stats->peers.at(1).address, QStringLiteral("::1"));
    QCOMPARE(stats->peersTotal, 250);
}

void tst_ServerStats::rejectsOtherBodies_data() {
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("HTML") << QByteArray("<html><body>hello</body></html>");
    QTest::newRow("array") << QByteArray("[1, 2]");
    QTest::newRow("error object") << QByteArray(R"({"error": "not found"})");
    QTest::newRow("no patterns") << QByteArray(R"({"messagesPublished": 1, "lastId": 5})");
    QTest::newRow("lastId not a number")
        << QByteArray(R"({"messagesPublished": 1, "lastId": "5", "patterns": {}})");
}

void tst_ServerStats::rejectsOtherBodies() {
    QFETCH(QByteArray, body);
    QVERIFY(!ServerStats::fromJson(body));
}

void tst_ServerStats::pollerSeesTheServer() {
    ServerConfig config;
    config.port = 0;
    PushServer server(config);
    QVERIFY(server.listen());
    const QUrl origin(QStringLiteral("http://127.0.0.1:%1").arg(server.port()));
    server.publish(QStringLiteral("one"));

    SseClient sse;
    sse.setBaseUrl(origin);
    sse.start();
    QTRY_COMPARE(server.openStreamCount(), 1);

    StatsPoller poller;
    poller.setBaseUrl(origin);
    QSignalSpy updated(&poller, &StatsPoller::statsUpdated);
    QSignalSpy unreachable(&poller, &StatsPoller::unreachable);
    poller.start(100);
    QVERIFY(poller.isRunning());
    QTRY_VERIFY(updated.size() >= 2); // polls again by itself
    const auto stats = updated.last().first().value<ServerStats>();
    QCOMPARE(stats.messagesPublished, 1);
    QCOMPARE(stats.lastId, server.log().lastId());
    QCOMPARE(stats.patterns[PushLab::Pattern::ServerSentEvents].open, 1);
    bool sawOurStream = false;
    for (const ServerStats::Peer &peer : stats.peers)
        sawOurStream |= peer.pattern == PushLab::Pattern::ServerSentEvents &&
                        peer.userAgent == QString::fromLatin1(sse.userAgent());
    QVERIFY(sawOurStream);
    QCOMPARE(unreachable.size(), 0);
    poller.stop();
    QVERIFY(!poller.isRunning());
    sse.stop();
}

void tst_ServerStats::pollerReportsAnUnreachableServer() {
    quint16 port = 0;
    {
        ServerConfig config;
        config.port = 0;
        PushServer server(config);
        QVERIFY(server.listen());
        port = server.port();
        server.shutdown();
    }
    StatsPoller poller;
    poller.setBaseUrl(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)));
    QSignalSpy unreachable(&poller, &StatsPoller::unreachable);
    poller.start(100);
    QVERIFY(unreachable.wait(5000));
    QVERIFY(!unreachable.first().first().toString().isEmpty());
    poller.stop();
}

QTEST_GUILESS_MAIN(tst_ServerStats)
#include "tst_serverstats.moc"
