// The three pattern clients against the real push server, listening on a free loopback port in
// the test's own thread.
#include "../server/dispatchermain.h"
#include "latencystats.h"
#include "longpollclient.h"
#include "publisher.h"
#include "pushserver.h"
#include "recorder.h"
#include "shortpollclient.h"
#include "sseclient.h"
#include "websocketclient.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QHash>
#include <QtCore/QTimer>
#include <QtNetwork/QTcpSocket>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <algorithm>
#include <limits>
#include <memory>

using PushLab::Test::Recorder;

namespace {

std::unique_ptr<PushServer> startServer(quint16 port = 0) {
    ServerConfig config;
    config.port = port;
    auto server = std::make_unique<PushServer>(config);
    QString error;
    if (!server->listen(&error)) {
        qWarning("server did not start: %s", qPrintable(error));
        return nullptr;
    }
    return server;
}

QUrl originOf(const PushServer &server) {
    return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(server.port()));
}

std::unique_ptr<PatternClient> makeClient(PushLab::Pattern pattern) {
    switch (pattern) {
    case PushLab::Pattern::ShortPoll: {
        auto client = std::make_unique<ShortPollClient>();
        client->setIntervalMs(ShortPollClient::minIntervalMs);
        return client;
    }
    case PushLab::Pattern::LongPoll:
        return std::make_unique<LongPollClient>();
    case PushLab::Pattern::ServerSentEvents: {
        auto client = std::make_unique<SseClient>();
        client->setReconnectDelayOverrideMs(100);
        return client;
    }
    case PushLab::Pattern::WebSocket: {
        auto client = std::make_unique<WebSocketClient>();
        client->setReconnectDelayMs(100);
        return client;
    }
    }
    return nullptr;
}

// True once the client is in a state where it will see every message published from now on.
bool isListening(PushLab::Pattern pattern, const Recorder &recorder, const PushServer &server) {
    switch (pattern) {
    case PushLab::Pattern::ShortPoll:
        return recorder.count(TrafficEvent::Kind::ResponseReceived) > 0;
    case PushLab::Pattern::LongPoll:
        return server.waitingPollCount() > 0;
    case PushLab::Pattern::ServerSentEvents:
        return recorder.count(TrafficEvent::Kind::StreamOpened) > 0 && server.openStreamCount() > 0;
    case PushLab::Pattern::WebSocket:
        return recorder.count(TrafficEvent::Kind::StreamOpened) > 0 && server.connectionCount() > 0;
    }
    return false;
}

// The size of the 101 this server answers a WebSocket handshake with, read off a raw socket
// (Qt 6.4's QWebSocket does not show it to the client, which counts the frames after it).
qint64 webSocketHandshakeBytes(quint16 port) {
    QTcpSocket socket;
    socket.connectToHost(QStringLiteral("127.0.0.1"), port);
    socket.write("GET /api/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                 "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                 "Sec-WebSocket-Version: 13\r\n\r\n");
    QByteArray head;
    QElapsedTimer timer;
    timer.start();
    while (!head.contains("\r\n\r\n") && timer.elapsed() < 5000) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50); // the server runs here too
        head += socket.readAll();
    }
    return head.indexOf("\r\n\r\n") + 4;
}

QString idProblems(const QList<DeliveredMessage> &messages, quint64 firstId, int count) {
    if (messages.size() != count)
        return QStringLiteral("%1 messages, expected %2").arg(messages.size()).arg(count);
    for (int i = 0; i < count; ++i) {
        if (messages.at(i).id != firstId + quint64(i))
            return QStringLiteral("message %1 has id %2, expected %3")
                .arg(i)
                .arg(messages.at(i).id)
                .arg(firstId + quint64(i));
    }
    return {};
}

} // namespace

class tst_PatternClients : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void userAgentNamesThePattern();
    void rapidPublishesArriveExactlyOnceInOrder_data();
    void rapidPublishesArriveExactlyOnceInOrder();
    void shortPollDeliversEachMessageInTheFirstPollAfterIt();
    void shortPollIntervalIsClampedAndLive();
    void sseResumesAfterTheStreamIsClosed();
    void sseResumesAfterServerRestartAndReportsTheGap();
    void clientsRecoverWhenTheServerComesBack_data();
    void clientsRecoverWhenTheServerComesBack();
    void sseStartedAgainWatchesFromNow();
    void sseTakesItsSilenceLimitFromTheServersHeartbeat_data();
    void sseTakesItsSilenceLimitFromTheServersHeartbeat();
    void longPollLearnsNowFromA204();
    void publisherReportsTheStoredMessage();
    void publisherReportsErrors();
    void stopAbortsAndSaysSo_data();
    void stopAbortsAndSaysSo();
};

void tst_PatternClients::longPollLearnsNowFromA204() {
    // A client that starts while nothing happens gets a 204 first; a message published right
    // after that 204 must still reach it, so its next request already says since=<now>.
    auto server = startServer();
    QVERIFY(server);
    server->publish(QStringLiteral("before the client"));
    LongPollClient client;
    client.setBaseUrl(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(server->port())));
    client.setTimeoutSeconds(1);
    Recorder recorder(&client);
    client.start();
    QTRY_VERIFY_WITH_TIMEOUT(recorder.count(TrafficEvent::Kind::ResponseReceived) >= 1, 5000);
    QCOMPARE(recorder.ofKind(TrafficEvent::Kind::ResponseReceived).first().status, 204);
    QTRY_VERIFY_WITH_TIMEOUT(recorder.count(TrafficEvent::Kind::RequestSent) >= 2, 5000);
    const QString second = recorder.ofKind(TrafficEvent::Kind::RequestSent).at(1).url;
    QVERIFY2(second.contains(QStringLiteral("since=%1").arg(server->log().lastId())),
             qPrintable(second));
    client.stop();
}

void tst_PatternClients::initTestCase() {
    qRegisterMetaType<TrafficEvent>();
}

void tst_PatternClients::userAgentNamesThePattern() {
    auto server = startServer();
    QVERIFY(server);
    LongPollClient client;
    client.setBaseUrl(originOf(*server));
    QCOMPARE(client.userAgent(), QByteArray("PushLab/" PUSHLAB_VERSION " (long)"));
    client.start();
    QTRY_COMPARE(server->waitingPollCount(), 1);
    const QByteArray stats = server->statsJson();
    QVERIFY2(stats.contains("PushLab/" PUSHLAB_VERSION " (long)"), stats.constData());
    client.stop();
}

void tst_PatternClients::rapidPublishesArriveExactlyOnceInOrder_data() {
    QTest::addColumn<PushLab::Pattern>("pattern");
    for (PushLab::Pattern p : PushLab::allPatterns)
        QTest::newRow(qPrintable(PushLab::patternKey(p))) << p;
}

void tst_PatternClients::rapidPublishesArriveExactlyOnceInOrder() {
    QFETCH(PushLab::Pattern, pattern);
    constexpr int count = 1000;
    auto server = startServer();
    QVERIFY(server);
    auto client = makeClient(pattern);
    auto *recorder = new Recorder(client.get());
    client->setBaseUrl(originOf(*server));
    client->start();
    QTRY_VERIFY_WITH_TIMEOUT(isListening(pattern, *recorder, *server), 10000);

    // Publish as fast as the server takes them, letting the clients' sockets run in between.
    const quint64 firstId = server->publish(QStringLiteral("Message 1")).id;
    for (int i = 2; i <= count; ++i) {
        server->publish(QStringLiteral("Message %1").arg(i));
        if (i % 10 == 0)
            QCoreApplication::processEvents();
    }
    QTRY_VERIFY_WITH_TIMEOUT(recorder->messages.size() >= count, 30000);
    const QString problems = idProblems(recorder->messages, firstId, count);
    QVERIFY2(problems.isEmpty(), qPrintable(problems));
    QCOMPARE(recorder->messages.last().text, QStringLiteral("Message %1").arg(count));

    const LatencySummary s = recorder->stats.total();
    QCOMPARE(s.messages, count);
    QCOMPARE(s.missing, 0);
    QCOMPARE(s.duplicates, 0);
    QCOMPARE(s.outOfOrder, 0);
    QCOMPARE(s.gaps, 0);
    QCOMPARE(s.errors, 0);
    QVERIFY(s.bytesIn > count * 40); // at least the message JSON crossed the wire
    QVERIFY(s.minMs >= 0);
    qInfo("%s: %d rapid publishes, %lld requests, %lld bytes in; latency mean %.2f p50 %.2f p99 "
          "%.2f max %.2f ms",
          qPrintable(PushLab::patternName(pattern)), count, s.requests, s.bytesIn, s.meanMs,
          s.p50Ms, s.p99Ms, s.maxMs);
    // What the client counts as "bytes in" is what the server wrote: status line, headers, body.
    // (A short poll may have one empty answer in flight that the server has counted already.)
    const qint64 serverOut = server->counters(pattern).bytesOut;
    if (pattern == PushLab::Pattern::ShortPoll)
        QVERIFY2(s.bytesIn <= serverOut && serverOut - s.bytesIn < 400,
                 qPrintable(QStringLiteral("%1 in, server %2 out").arg(s.bytesIn).arg(serverOut)));
    else if (pattern == PushLab::Pattern::WebSocket) // QWebSocket shows frames, not its 101
        QCOMPARE(s.bytesIn + webSocketHandshakeBytes(server->port()), serverOut);
    else
        QCOMPARE(s.bytesIn, serverOut);
    client->stop();
    QVERIFY(!client->isRunning());
}

void tst_PatternClients::shortPollDeliversEachMessageInTheFirstPollAfterIt() {
    // The lesson of short polling is its latency, about half the interval on average. That is
    // printed, not asserted (a loaded machine stretches every figure); what is asserted holds
    // under any load: no poll sent after a message was published comes back without it, so a
    // message waits for the next poll and no longer.
    auto server = startServer();
    QVERIFY(server);
    ShortPollClient client;
    auto *recorder = new Recorder(&client);
    client.setBaseUrl(originOf(*server));
    client.setIntervalMs(200);
    client.start();
    QTRY_VERIFY(recorder->count(TrafficEvent::Kind::ResponseReceived) > 0);

    // Publish at a pace unrelated to the poll interval, so messages land anywhere within it.
    constexpr int count = 25;
    int published = 0;
    QTimer publisher;
    publisher.setInterval(137);
    connect(&publisher, &QTimer::timeout, this, [&] {
        if (published < count)
            server->publish(QStringLiteral("tick %1").arg(++published));
    });
    publisher.start();
    QTRY_COMPARE_WITH_TIMEOUT(recorder->messages.size(), count, 30000);
    const LatencySummary s = recorder->stats.total();
    qInfo("short poll at 200 ms: mean %.1f ms, p50 %.1f ms, max %.1f ms, %lld requests for %lld "
          "messages",
          s.meanMs, s.p50Ms, s.maxMs, s.requests, s.messages);

    QHash<quint64, qint64> sentUs; // request id -> when it left (both clocks are this machine's)
    for (const TrafficEvent &e : recorder->ofKind(TrafficEvent::Kind::RequestSent))
        sentUs.insert(e.requestId, e.timeUs);
    for (const TrafficEvent &answer : recorder->ofKind(TrafficEvent::Kind::ResponseReceived)) {
        for (const DeliveredMessage &m : answer.messages) {
            // The first request sent after the message was published...
            qint64 firstAfter = std::numeric_limits<qint64>::max();
            for (const qint64 t : std::as_const(sentUs)) {
                if (t > m.publishedAtUs)
                    firstAfter = std::min(firstAfter, t);
            }
            // ... is the one that brought it, or an earlier one still in flight did.
            QVERIFY2(sentUs.value(answer.requestId) <= firstAfter,
                     qPrintable(QStringLiteral("message %1 came in a poll sent %2 us after an "
                                               "earlier poll that missed it")
                                    .arg(m.id)
                                    .arg(sentUs.value(answer.requestId) - firstAfter)));
        }
    }
    QCOMPARE(s.missing, 0);
    QCOMPARE(s.duplicates, 0);
    client.stop();
}

void tst_PatternClients::shortPollIntervalIsClampedAndLive() {
    ShortPollClient client;
    client.setIntervalMs(1);
    QCOMPARE(client.intervalMs(), 50);
    client.setIntervalMs(10'000'000);
    QCOMPARE(client.intervalMs(), 60000);

    auto server = startServer();
    QVERIFY(server);
    auto *recorder = new Recorder(&client);
    client.setBaseUrl(originOf(*server));
    client.start(); // at 60 s: one request now, the next a minute away
    QTRY_COMPARE(recorder->count(TrafficEvent::Kind::ResponseReceived), 1);
    client.setIntervalMs(50); // live: polling speeds up at once
    QTRY_VERIFY_WITH_TIMEOUT(recorder->count(TrafficEvent::Kind::ResponseReceived) >= 4, 5000);
    client.stop();

    LongPollClient longPoll;
    longPoll.setTimeoutSeconds(0);
    QCOMPARE(longPoll.timeoutSeconds(), 1);
    longPoll.setTimeoutSeconds(1000);
    QCOMPARE(longPoll.timeoutSeconds(), 120);
}

void tst_PatternClients::sseResumesAfterTheStreamIsClosed() {
    auto server = startServer();
    QVERIFY(server);
    SseClient client;
    auto *recorder = new Recorder(&client);
    client.setBaseUrl(originOf(*server));
    client.setReconnectDelayOverrideMs(300);
    client.start();
    QTRY_COMPARE(server->openStreamCount(), 1);

    const quint64 firstId = server->publish(QStringLiteral("one")).id;
    server->publish(QStringLiteral("two"));
    QTRY_COMPARE(recorder->messages.size(), 2);
    QCOMPARE(client.lastEventId(), QString::number(firstId + 1));

    QCOMPARE(server->closeStreams(), 1);
    QTRY_COMPARE(recorder->count(TrafficEvent::Kind::ReconnectScheduled), 1);
    QCOMPARE(server->openStreamCount(), 0);
    // Published while the client is away: replayed from its Last-Event-ID when it returns.
    server->publish(QStringLiteral("three"));
    server->publish(QStringLiteral("four"));
    QTRY_COMPARE_WITH_TIMEOUT(recorder->messages.size(), 4, 10000);
    server->publish(QStringLiteral("five"));
    QTRY_COMPARE(recorder->messages.size(), 5);

    const QString problems = idProblems(recorder->messages, firstId, 5);
    QVERIFY2(problems.isEmpty(), qPrintable(problems));
    const QList<TrafficEvent> requests = recorder->ofKind(TrafficEvent::Kind::RequestSent);
    QCOMPARE(requests.size(), 2);
    QCOMPARE(requests.at(0).lastEventId, QString());
    QCOMPARE(requests.at(1).lastEventId, QString::number(firstId + 1));
    QCOMPARE(recorder->ofKind(TrafficEvent::Kind::ReconnectScheduled).first().delayMs, 300);
    const LatencySummary s = recorder->stats.total();
    QCOMPARE(s.missing, 0);
    QCOMPARE(s.duplicates, 0);
    QCOMPARE(s.gaps, 0);
    QCOMPARE(s.reconnects, 1);
    QCOMPARE(s.errors, 0); // a closed stream is SSE's normal life, not an error
    client.stop();
}

void tst_PatternClients::sseResumesAfterServerRestartAndReportsTheGap() {
    auto server = startServer();
    QVERIFY(server);
    const quint16 port = server->port();
    SseClient client;
    auto *recorder = new Recorder(&client);
    client.setBaseUrl(originOf(*server));
    client.setReconnectDelayOverrideMs(100);
    client.start();
    QTRY_COMPARE(server->openStreamCount(), 1);
    server->publish(QStringLiteral("a"));
    const quint64 lastOldId = server->publish(QStringLiteral("b")).id;
    QTRY_COMPARE(recorder->messages.size(), 2);

    server->shutdown();
    server.reset();
    QTRY_VERIFY(recorder->count(TrafficEvent::Kind::ReconnectScheduled) >= 1);
    QCOMPARE(client.reconnectDelayMs(), 100);
    // Down for a moment: reconnection attempts fail and are retried.
    QTRY_VERIFY_WITH_TIMEOUT(recorder->count(TrafficEvent::Kind::Error) >= 1, 5000);

    server = startServer(port);
    QVERIFY(server);
    QTRY_COMPARE_WITH_TIMEOUT(server->openStreamCount(), 1, 10000);
    // The new run does not know the old id: the client is told, rather than silently missing.
    QList<TrafficEvent> gaps;
    QTRY_VERIFY_WITH_TIMEOUT(!(gaps =
                                   [&] {
                                       QList<TrafficEvent> out;
                                       for (const TrafficEvent &e :
                                            recorder->ofKind(TrafficEvent::Kind::EventReceived)) {
                                           if (e.eventType == QLatin1String("gap"))
                                               out.append(e);
                                       }
                                       return out;
                                   }())
                                  .isEmpty(),
                             5000);
    QCOMPARE(gaps.size(), 1);
    QVERIFY(gaps.first().hasGap());
    QCOMPARE(gaps.first().gapLastSeenId, lastOldId);
    QVERIFY(!gaps.first().detail.isEmpty());
    const QList<TrafficEvent> requests = recorder->ofKind(TrafficEvent::Kind::RequestSent);
    QCOMPARE(requests.last().lastEventId, QString::number(lastOldId));

    const quint64 newId = server->publish(QStringLiteral("c")).id;
    QVERIFY(newId > lastOldId);
    server->publish(QStringLiteral("d"));
    QTRY_COMPARE(recorder->messages.size(), 4);
    QCOMPARE(recorder->messages.at(2).id, newId);
    QCOMPARE(recorder->messages.at(3).id, newId + 1);
    const LatencySummary s = recorder->stats.total();
    QCOMPARE(s.gaps, 1);
    QCOMPARE(s.missing, 0); // a new server run lost nothing the client could have seen
    QCOMPARE(s.duplicates, 0);
    QCOMPARE(s.outOfOrder, 0);
    client.stop();
}

void tst_PatternClients::clientsRecoverWhenTheServerComesBack_data() {
    QTest::addColumn<PushLab::Pattern>("pattern");
    QTest::newRow("long") << PushLab::Pattern::LongPoll;
    QTest::newRow("sse") << PushLab::Pattern::ServerSentEvents;
    QTest::newRow("short") << PushLab::Pattern::ShortPoll;
}

void tst_PatternClients::clientsRecoverWhenTheServerComesBack() {
    QFETCH(PushLab::Pattern, pattern);
    auto server = startServer();
    QVERIFY(server);
    const quint16 port = server->port();
    auto client = makeClient(pattern);
    auto *recorder = new Recorder(client.get());
    client->setBaseUrl(originOf(*server));
    client->start();
    QTRY_VERIFY_WITH_TIMEOUT(isListening(pattern, *recorder, *server), 10000);
    server->publish(QStringLiteral("before"));
    QTRY_COMPARE(recorder->messages.size(), 1);

    server->shutdown();
    server.reset();
    QTRY_VERIFY_WITH_TIMEOUT(recorder->count(TrafficEvent::Kind::Error) >= 1, 10000);
    QVERIFY(client->isRunning()); // still trying

    server = startServer(port);
    QVERIFY(server);
    // Back: publish until the client shows a message of the new run (a poll may still be
    // waiting out its back-off, so keep publishing at a modest pace).
    QTimer publisher;
    publisher.setInterval(100);
    connect(&publisher, &QTimer::timeout, this,
            [&server] { server->publish(QStringLiteral("after")); });
    publisher.start();
    QTRY_VERIFY_WITH_TIMEOUT(recorder->messages.size() >= 2, 20000);
    publisher.stop();
    QCOMPARE(recorder->messages.last().text, QStringLiteral("after"));
    QVERIFY(recorder->stats.total().errors >= 1);
    QCOMPARE(recorder->stats.total().duplicates, 0);
    QVERIFY(client->isRunning());
    client->stop();
}

void tst_PatternClients::sseStartedAgainWatchesFromNow() {
    auto server = startServer();
    QVERIFY(server);
    SseClient client;
    auto *recorder = new Recorder(&client);
    client.setBaseUrl(originOf(*server));
    client.start();
    QTRY_COMPARE(server->openStreamCount(), 1);
    server->publish(QStringLiteral("seen"));
    QTRY_COMPARE(recorder->messages.size(), 1);
    client.stop();
    QTRY_COMPARE(server->openStreamCount(), 0);
    server->publish(QStringLiteral("while stopped"));
    client.start();
    QTRY_COMPARE(server->openStreamCount(), 1);
    server->publish(QStringLiteral("after start"));
    QTRY_COMPARE(recorder->messages.size(), 2);
    QCOMPARE(recorder->messages.last().text, QStringLiteral("after start"));
    QCOMPARE(recorder->ofKind(TrafficEvent::Kind::RequestSent).last().lastEventId, QString());

    // Unless told where to resume.
    client.stop();
    client.setLastEventId(QString::number(recorder->messages.first().id));
    client.start();
    QTRY_COMPARE(recorder->messages.size(), 4); // "while stopped" and "after start" replayed
    QCOMPARE(recorder->messages.at(2).text, QStringLiteral("while stopped"));
    QCOMPARE(recorder->stats.total().duplicates, 1); // "after start" seen twice, and counted so
    client.stop();
}

void tst_PatternClients::sseTakesItsSilenceLimitFromTheServersHeartbeat_data() {
    QTest::addColumn<int>("heartbeatMs");
    QTest::newRow("the contract's default") << PushLab::Wire::heartbeatDefaultMs;
    // pushlab --heartbeat 60: an idle stream stays quiet for a minute and must not be dropped.
    QTest::newRow("a minute") << 60000;
    QTest::newRow("the contract's maximum") << PushLab::Wire::heartbeatMaxMs;
}

void tst_PatternClients::sseTakesItsSilenceLimitFromTheServersHeartbeat() {
    QFETCH(int, heartbeatMs);
    ServerConfig config;
    config.port = 0; // a free port: never a fixed one (the _epoll variant runs beside this)
    config.heartbeatMs = heartbeatMs;
    PushServer server(config);
    QString error;
    QVERIFY2(server.listen(&error), qPrintable(error));
    SseClient client;
    client.setBaseUrl(originOf(server));
    client.start();
    QTRY_VERIFY(client.isConnected());
    QCOMPARE(client.announcedHeartbeatMs(), heartbeatMs);
    QCOMPARE(client.silenceTimeoutMs(), heartbeatMs * PushLab::Wire::missedHeartbeatsBeforeDead);
    client.stop();
}

void tst_PatternClients::publisherReportsTheStoredMessage() {
    auto server = startServer();
    QVERIFY(server);
    Publisher publisher;
    publisher.setBaseUrl(originOf(*server));
    QSignalSpy published(&publisher, &Publisher::published);
    QSignalSpy failed(&publisher, &Publisher::failed);
    publisher.publish(QStringLiteral("grüße \"quoted\" {json}"));
    QVERIFY(published.wait(5000));
    QCOMPARE(failed.size(), 0);
    const auto message = published.first().first().value<DeliveredMessage>();
    QCOMPARE(message.text, QStringLiteral("grüße \"quoted\" {json}"));
    QCOMPARE(message.id, server->log().lastId());
    QVERIFY(message.publishedAtUs > 0);
}

void tst_PatternClients::publisherReportsErrors() {
    auto server = startServer();
    QVERIFY(server);
    Publisher publisher;
    publisher.setBaseUrl(originOf(*server));
    QSignalSpy failed(&publisher, &Publisher::failed);
    publisher.publish(QString()); // empty text: the server says 400
    QVERIFY(failed.wait(5000));
    QVERIFY2(failed.first().first().toString().startsWith(QLatin1String("HTTP 400")),
             qPrintable(failed.first().first().toString()));

    const quint16 port = server->port();
    server->shutdown();
    server.reset();
    publisher.setBaseUrl(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)));
    publisher.publish(QStringLiteral("nobody home"));
    QVERIFY(failed.wait(5000));
    QCOMPARE(failed.size(), 2);
}

void tst_PatternClients::stopAbortsAndSaysSo_data() {
    rapidPublishesArriveExactlyOnceInOrder_data();
}

void tst_PatternClients::stopAbortsAndSaysSo() {
    QFETCH(PushLab::Pattern, pattern);
    auto server = startServer();
    QVERIFY(server);
    auto client = makeClient(pattern);
    auto *recorder = new Recorder(client.get());
    QSignalSpy running(client.get(), &PatternClient::runningChanged);
    client->setBaseUrl(originOf(*server));
    client->start();
    QVERIFY(client->isRunning());
    QTRY_VERIFY_WITH_TIMEOUT(isListening(pattern, *recorder, *server), 10000);
    client->stop();
    QVERIFY(!client->isRunning());
    QCOMPARE(running.size(), 2);
    QCOMPARE(recorder->events.last().kind, TrafficEvent::Kind::Stopped);
    QCOMPARE(recorder->events.last().detail, QStringLiteral("stopped"));
    // The held request is gone from the server too.
    QTRY_COMPARE(server->waitingPollCount(), 0);
    QTRY_COMPARE(server->openStreamCount(), 0);
    const int eventsAtStop = recorder->events.size();
    // A stopped client stays silent: a publish round trip later, it has still seen nothing.
    Publisher publisher;
    publisher.setBaseUrl(originOf(*server));
    QSignalSpy published(&publisher, &Publisher::published);
    publisher.publish(QStringLiteral("after stop"));
    QVERIFY(published.wait(5000));
    QCOMPARE(recorder->events.size(), eventsAtStop);
}

PUSHLAB_DISPATCHER_TEST_MAIN(tst_PatternClients)
#include "tst_patternclients.moc"
