// The push server on real loopback sockets (port 0), server and client in the test's thread.

#include "dispatchermain.h"
#include "pushserver.h"
#include "rawhttp.h"
#include "testserver.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QTimer>
#include <QtTest/QtTest>

#include <memory>

#include <QtCore/QDir>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

namespace {

QJsonObject jsonObject(const QByteArray &body) {
    return QJsonDocument::fromJson(body).object();
}

QList<quint64> idsOf(const QByteArray &pollBody) {
    QList<quint64> ids;
    const QJsonArray messages = jsonObject(pollBody).value(QStringLiteral("messages")).toArray();
    for (const QJsonValue &m : messages)
        ids.append(quint64(m.toObject().value(QStringLiteral("id")).toInteger()));
    return ids;
}

// The server's end of the connection whose client end is bound to `clientPort` (server and
// test share this process, so it is one of our descriptors): its TCP_NODELAY, or -1.
int serverSideNoDelay(quint16 serverPort, quint16 clientPort) {
    const QStringList fds = QDir(QStringLiteral("/proc/self/fd")).entryList(QDir::Files);
    for (const QString &name : fds) {
        const int fd = name.toInt();
        sockaddr_storage local{};
        sockaddr_storage peer{};
        socklen_t localLength = sizeof local;
        socklen_t peerLength = sizeof peer;
        if (getsockname(fd, reinterpret_cast<sockaddr *>(&local), &localLength) != 0 ||
            getpeername(fd, reinterpret_cast<sockaddr *>(&peer), &peerLength) != 0)
            continue;
        const auto portOf = [](const sockaddr_storage &a) -> quint16 {
            if (a.ss_family == AF_INET)
                return ntohs(reinterpret_cast<const sockaddr_in &>(a).sin_port);
            if (a.ss_family == AF_INET6)
                return ntohs(reinterpret_cast<const sockaddr_in6 &>(a).sin6_port);
            return 0;
        };
        if (portOf(local) != serverPort || portOf(peer) != clientPort)
            continue;
        int value = -1;
        socklen_t length = sizeof value;
        if (getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &value, &length) != 0)
            return -1;
        return value;
    }
    return -1;
}

} // namespace

class TestPushServer : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<PushServer> startServer(ServerConfig config = {}) {
        return PushLab::Test::startServer(std::move(config));
    }

private Q_SLOTS:
    void publishAcceptsTextAndJson_data();
    void publishAcceptsTextAndJson();
    void publishRejectsBadInput_data();
    void publishRejectsBadInput();
    void shortPollAnswersAtOnce();
    void longPollWakesOnPublish();
    void longPollTimesOutWith204();
    void longPollRejectsBadParameters_data();
    void longPollRejectsBadParameters();
    void sseFramingIsExact();
    void sseAnnouncesTheServersHeartbeat();
    void brokenFramingIsRefusedAndCloses_data();
    void brokenFramingIsRefusedAndCloses();
    void hostsOtherThanThisServerAreRefused_data();
    void hostsOtherThanThisServerAreRefused();
    void crossSiteSeedPublishIsRefused();
    void http10SplitAcrossPacketsIsStillClosed();
    void sseHeartbeatKeepsStreamAlive();
    void sseReplaysFromLastEventId_data();
    void sseReplaysFromLastEventId();
    void sseSaysWhenHistoryIsGone();
    void pollReportsGap();
    void thousandPublishesReachLongPollLoopOnceInOrder();
    void thousandPublishesReachStreamOnceInOrder();
    void disconnectWhileWaitingIsForgotten();
    void disconnectStreamIsForgotten();
    void waitersLeavingInAnyOrderAreAnsweredOnce();
    void secondRequestNeverLandsInStream();
    void http10IsAnsweredThenClosed();
    void connectionsHaveNagleOff();
    void streamDiscardsWhatItsClientSends();
    void headAndOptions();
    void pipelinedRequestBehindWaitingPollIsAnsweredInOrder();
    void connectionCloseIsHonoured_data();
    void connectionCloseIsHonoured();
    void seedRoutes();
    void seedGetMessageTimesOut();
    void tooLargeRequestIs413();
    void tooLargeHeadersAre431();
    void halfSentRequestTimesOut();
    void connectionCapAnswers503();
    void slowSubscriberIsDropped();
    void statsCountPeersByPattern();
    void closeStreamsEndsEveryStream();
    void unknownRouteIs404Json();
    void tickerPublishes();
    void servesBrowserPage();
    void pollsAndStreamsTakeTheFastPathOnEpoll();
    void unusualRequestsAreStillAnswered_data();
    void unusualRequestsAreStillAnswered();
};

void TestPushServer::publishAcceptsTextAndJson_data() {
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("headers");
    QTest::addColumn<QString>("expected");
    QTest::newRow("curl -d (form content type)")
        << QByteArray("hello") << QByteArray("Content-Type: application/x-www-form-urlencoded\r\n")
        << QStringLiteral("hello");
    QTest::newRow("text/plain") << QByteArray("plain text")
                                << QByteArray("Content-Type: text/plain\r\n")
                                << QStringLiteral("plain text");
    QTest::newRow("text/plain that looks like JSON")
        << QByteArray("{not json}") << QByteArray("Content-Type: text/plain\r\n")
        << QStringLiteral("{not json}");
    QTest::newRow("json") << QByteArray(R"({"text":"from json"})")
                          << QByteArray("Content-Type: application/json\r\n")
                          << QStringLiteral("from json");
    QTest::newRow("json without content type")
        << QByteArray(R"({"text":"sniffed"})") << QByteArray() << QStringLiteral("sniffed");
    QTest::newRow("utf-8") << QByteArray("h\xc3\xa9llo \xe2\x9c\x93") << QByteArray()
                           << QStringLiteral(u"héllo ✓");
    QTest::newRow("same origin") << QByteArray("ok") << QByteArray("Origin: http://127.0.0.1\r\n")
                                 << QStringLiteral("ok");
}

void TestPushServer::publishAcceptsTextAndJson() {
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, headers);
    QFETCH(QString, expected);
    auto server = startServer();
    RawHttp http(server->port());
    http.post("/api/messages", body, headers);
    const RawResponse r = http.read();
    QCOMPARE(r.status, 201);
    QCOMPARE(r.header("Content-Type"), QByteArray("application/json"));
    const QJsonObject m = jsonObject(r.body);
    QCOMPARE(m.value(QStringLiteral("text")).toString(), expected);
    QCOMPARE(quint64(m.value(QStringLiteral("id")).toInteger()), server->log().lastId());
    const qint64 publishedAt = m.value(QStringLiteral("publishedAt")).toInteger();
    QVERIFY(qAbs(publishedAt - QDateTime::currentMSecsSinceEpoch() * 1000) < 60LL * 1000 * 1000);
}

void TestPushServer::publishRejectsBadInput_data() {
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("headers");
    QTest::addColumn<int>("status");
    QTest::newRow("empty") << QByteArray() << QByteArray() << 400;
    QTest::newRow("whitespace only") << QByteArray("  \n ") << QByteArray() << 400;
    QTest::newRow("invalid utf-8") << QByteArray("\xff\xfe\xfd") << QByteArray() << 400;
    QTest::newRow("invalid json") << QByteArray("{\"text\":")
                                  << QByteArray("Content-Type: application/json\r\n") << 400;
    QTest::newRow("json without text") << QByteArray(R"({"message":"x"})") << QByteArray() << 400;
    QTest::newRow("json text not a string") << QByteArray(R"({"text":42})") << QByteArray() << 400;
    QTest::newRow("json empty text") << QByteArray(R"({"text":""})") << QByteArray() << 400;
    QTest::newRow("over 64 KiB") << QByteArray(64 * 1024 + 1, 'a') << QByteArray() << 413;
    QTest::newRow("json text over 64 KiB")
        << QByteArray("{\"text\":\"" + QByteArray(64 * 1024 + 1, 'a') + "\"}") << QByteArray()
        << 413;
    QTest::newRow("foreign origin")
        << QByteArray("hi") << QByteArray("Origin: http://evil.example\r\n") << 403;
    QTest::newRow("null origin") << QByteArray("hi") << QByteArray("Origin: null\r\n") << 403;
}

void TestPushServer::publishRejectsBadInput() {
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, headers);
    QFETCH(int, status);
    auto server = startServer();
    server->publish(QStringLiteral("accepted before"));
    RawHttp http(server->port());
    http.post("/api/messages", body, headers);
    const RawResponse r = http.read();
    QCOMPARE(r.status, status);
    QCOMPARE(r.header("Content-Type"), QByteArray("application/json"));
    QVERIFY2(!jsonObject(r.body).value(QStringLiteral("error")).toString().isEmpty(),
             r.body.constData());
    // Nothing published, nothing that was accepted lost, and the connection still serves.
    QCOMPARE(server->log().publishedCount(), 1);
    http.get("/api/messages?since=0");
    const RawResponse poll = http.read();
    QCOMPARE(poll.status, 200);
    QCOMPARE(idsOf(poll.body).size(), 1);
}

void TestPushServer::shortPollAnswersAtOnce() {
    auto server = startServer();
    const quint64 first = server->publish(QStringLiteral("one")).id;
    const quint64 second = server->publish(QStringLiteral("two")).id;
    RawHttp http(server->port());

    http.get("/api/messages");
    RawResponse r = http.read();
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("Access-Control-Allow-Origin"), QByteArray("*"));
    QJsonObject o = jsonObject(r.body);
    QCOMPARE(o.value(QStringLiteral("messages")).toArray().size(), 0); // no since: from now
    QCOMPARE(quint64(o.value(QStringLiteral("lastId")).toInteger()), second);

    http.get("/api/messages?since=0");
    r = http.read();
    QCOMPARE(idsOf(r.body), (QList<quint64>{first, second}));

    http.get("/api/messages?since=" + QByteArray::number(first));
    r = http.read();
    QCOMPARE(idsOf(r.body), QList<quint64>{second});
    o = jsonObject(r.body);
    const QJsonObject m = o.value(QStringLiteral("messages")).toArray().first().toObject();
    QCOMPARE(m.value(QStringLiteral("text")).toString(), QStringLiteral("two"));
    QVERIFY(m.contains(QStringLiteral("publishedAt")));
    QVERIFY(!o.contains(QStringLiteral("gap")));

    http.get("/api/messages?since=-1");
    QCOMPARE(http.read().status, 400);
    http.get("/api/messages?since=abc");
    QCOMPARE(http.read().status, 400);
}

void TestPushServer::longPollWakesOnPublish() {
    auto server = startServer();
    const quint64 before = server->publish(QStringLiteral("old")).id;
    RawHttp http(server->port());
    http.get("/api/messages/wait?since=" + QByteArray::number(before) + "&timeout=10");
    QTRY_COMPARE(server->waitingPollCount(), 1);
    QTimer::singleShot(50, server.get(), [&] { server->publish(QStringLiteral("news")); });
    const RawResponse r = http.read(5000);
    QCOMPARE(r.status, 200);
    QCOMPARE(idsOf(r.body), QList<quint64>{before + 1});
    QCOMPARE(server->waitingPollCount(), 0);

    // Messages already there: answered at once, all of them, in order.
    server->publish(QStringLiteral("a"));
    server->publish(QStringLiteral("b"));
    http.get("/api/messages/wait?since=" + QByteArray::number(before));
    QCOMPARE(idsOf(http.read(2000).body), (QList<quint64>{before + 1, before + 2, before + 3}));
}

void TestPushServer::longPollTimesOutWith204() {
    auto server = startServer();
    RawHttp http(server->port());
    QElapsedTimer timer;
    timer.start();
    http.get("/api/messages/wait?timeout=1");
    const RawResponse r = http.read(5000);
    QCOMPARE(r.status, 204);
    QVERIFY(r.body.isEmpty());
    QCOMPARE(r.header("X-Last-Id"), QByteArray::number(server->log().lastId()));
    QVERIFY(timer.elapsed() >= 900);
    // timeout=0 is raised to the minimum of 1 s rather than spinning.
    http.get("/api/messages/wait?timeout=0");
    QCOMPARE(http.read(5000).status, 204);
    // The connection is reusable after a timeout.
    http.get("/api/messages");
    QCOMPARE(http.read().status, 200);
}

void TestPushServer::longPollRejectsBadParameters_data() {
    QTest::addColumn<QByteArray>("query");
    QTest::newRow("since not a number") << QByteArray("since=abc");
    QTest::newRow("since negative") << QByteArray("since=-5");
    QTest::newRow("timeout not a number") << QByteArray("timeout=soon");
    QTest::newRow("timeout negative") << QByteArray("timeout=-1");
    QTest::newRow("timeout fraction") << QByteArray("timeout=1.5");
}

void TestPushServer::longPollRejectsBadParameters() {
    QFETCH(QByteArray, query);
    auto server = startServer();
    RawHttp http(server->port());
    http.get("/api/messages/wait?" + query);
    const RawResponse r = http.read();
    QCOMPARE(r.status, 400);
    QVERIFY(jsonObject(r.body).contains(QStringLiteral("error")));
}

void TestPushServer::sseAnnouncesTheServersHeartbeat() {
    // `pushlab --heartbeat 60` must not look dead to a client that waits 3 heartbeats of 15 s.
    ServerConfig config;
    config.heartbeatMs = 60000;
    auto server = startServer(config);
    RawHttp http(server->port());
    http.get("/api/events");
    const QByteArray head = http.readUntil("retry: ");
    QVERIFY2(head.contains("\r\nX-Heartbeat-Interval: 60000\r\n"), head.constData());
}

// Issue 14's reproducers, byte for byte: each was answered 400 and then the rest of the bytes
// were parsed as a second request, which published SMUG (request smuggling), or was answered
// 2xx although it is malformed. Now: one answer, the connection closes, nothing is published.
void TestPushServer::brokenFramingIsRefusedAndCloses_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("status");
    const QByteArray smuggled =
        "GET /updatemessage?message=SMUG HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    const QByteArray post = "POST /api/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    static const char nulInHeader[] = "GET /api/messages HTTP/1.1\r\nHost: a\0b\r\n\r\n";
    static const char nulInTarget[] = "GET /api/mess\0ages HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    QTest::newRow("CL then TE")
        << post + "Content-Length: 69\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled
        << 400;
    QTest::newRow("TE then CL")
        << post + "Transfer-Encoding: chunked\r\nContent-Length: 69\r\n\r\n0\r\n\r\n" + smuggled
        << 400;
    QTest::newRow("xchunked and CL")
        << post + "Transfer-Encoding: xchunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n" + smuggled
        << 400;
    QTest::newRow("chunked, identity and CL")
        << post + "Transfer-Encoding: chunked, identity\r\nContent-Length: 5\r\n\r\n0\r\n\r\n" +
               smuggled
        << 400;
    QTest::newRow("TE by obs-fold")
        << post +
               "Content-Length: 5\r\nX-Folded: a\r\n Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n" +
               smuggled
        << 400;
    QTest::newRow("CL -1") << post + "Content-Length: -1\r\n\r\n" + smuggled << 400;
    QTest::newRow("CL 2^64-1") << post + "Content-Length: 18446744073709551615\r\n\r\n" + smuggled
                               << 400;
    QTest::newRow("CL 0 then CL 64")
        << post + "Content-Length: 0\r\nContent-Length: 64\r\n\r\n" + smuggled << 400;
    QTest::newRow("xchunked alone")
        << post + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n" + smuggled << 501;
    QTest::newRow("TE in HTTP/1.0")
        << QByteArray(
               "POST /api/messages HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n") +
               smuggled
        << 400;
    QTest::newRow("bad chunk size")
        << post + "Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n" + smuggled << 400;
    QTest::newRow("chunk without CRLF")
        << post + "Transfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n" + smuggled << 400;
    QTest::newRow("HTTP/9.9")
        << QByteArray("GET /api/messages HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n") + smuggled << 505;
    QTest::newRow("HTTP/2.0") << QByteArray("GET /api/stats HTTP/2.0\r\nHost: 127.0.0.1\r\n\r\n") +
                                     smuggled
                              << 505;
    QTest::newRow("HTTP/A.B")
        << QByteArray("GET /api/messages HTTP/A.B\r\nHost: 127.0.0.1\r\n\r\n") + smuggled << 400;
    QTest::newRow("HTTPX1.1")
        << QByteArray("GET /api/messages HTTPX1.1\r\nHost: 127.0.0.1\r\n\r\n") + smuggled << 400;
    QTest::newRow("HTTP/1.1 extra")
        << QByteArray("GET /api/messages HTTP/1.1 extra\r\nHost: 127.0.0.1\r\n\r\n") + smuggled
        << 400;
    QTest::newRow("space before colon")
        << QByteArray("GET /api/messages HTTP/1.1\r\nHost : x\r\n\r\n") + smuggled << 400;
    QTest::newRow("NUL in a header")
        << QByteArray::fromRawData(nulInHeader, sizeof nulInHeader - 1) + smuggled << 400;
    QTest::newRow("NUL in the target")
        << QByteArray::fromRawData(nulInTarget, sizeof nulInTarget - 1) + smuggled << 400;
    QTest::newRow("bad percent-encoding")
        << QByteArray("GET /api/messages%zz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n") + smuggled << 400;
    QTest::newRow("lower-case method")
        << QByteArray("get /api/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n") + smuggled << 501;
    QTest::newRow("websocket upgrade on events")
        << QByteArray(
               "GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: "
               "websocket\r\n\r\n") +
               smuggled
        << 501;
    QTest::newRow("websocket upgrade on stats")
        << QByteArray(
               "GET /api/stats HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: "
               "websocket\r\n\r\n") +
               smuggled
        << 501;
}

void TestPushServer::brokenFramingIsRefusedAndCloses() {
    QFETCH(QByteArray, bytes);
    QFETCH(int, status);
    auto server = startServer();
    RawHttp http(server->port());
    http.send(bytes);
    const RawResponse r = http.read();
    QCOMPARE(r.status, status);
    QCOMPARE(r.header("Connection"), QByteArray("close"));
    QVERIFY(jsonObject(r.body).contains(QStringLiteral("error")));
    QVERIFY(http.waitForDisconnected());
    QVERIFY2(http.takeBuffer().isEmpty(), "a second answer came after the refusal");
    QCOMPARE(server->log().publishedCount(), 0); // nothing smuggled through
}

// DNS rebinding: a page on evil.example whose name resolves to 127.0.0.1 sends Host: evil.example.
void TestPushServer::hostsOtherThanThisServerAreRefused_data() {
    QTest::addColumn<QByteArray>("host");
    QTest::addColumn<QStringList>("allowed");
    QTest::addColumn<int>("status");
    const QStringList none;
    QTest::newRow("127.0.0.1") << QByteArray("127.0.0.1:8050") << none << 200;
    QTest::newRow("localhost") << QByteArray("localhost:8050") << none << 200;
    QTest::newRow("a .localhost name") << QByteArray("lab.localhost") << none << 200;
    QTest::newRow("IPv6 literal") << QByteArray("[::1]:8050") << none << 200;
    QTest::newRow("a LAN address") << QByteArray("192.168.1.20:8050") << none << 200;
    QTest::newRow("a rebinding name") << QByteArray("evil.example:8050") << none << 403;
    QTest::newRow("localhost as a prefix") << QByteArray("localhost.evil.example") << none << 403;
    QTest::newRow("allowed by name")
        << QByteArray("pushlab.lan:8050") << QStringList{QStringLiteral("pushlab.lan")} << 200;
    QTest::newRow("allowed subdomain")
        << QByteArray("a.lab.example") << QStringList{QStringLiteral(".lab.example")} << 200;
    QTest::newRow("not that subdomain")
        << QByteArray("a.evil.example") << QStringList{QStringLiteral(".lab.example")} << 403;
}

void TestPushServer::hostsOtherThanThisServerAreRefused() {
    QFETCH(QByteArray, host);
    QFETCH(QStringList, allowed);
    QFETCH(int, status);
    ServerConfig config;
    config.allowedHosts = allowed;
    auto server = startServer(config);
    for (const QByteArray &target :
         {QByteArray("/api/stats"), QByteArray("/api/messages"), QByteArray("/")}) {
        RawHttp http(server->port());
        http.send("GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
        const RawResponse r = http.read();
        QCOMPARE(r.status, status);
        if (status == 403)
            QVERIFY(jsonObject(r.body)
                        .value(QStringLiteral("error"))
                        .toString()
                        .contains(QStringLiteral("--allow-host")));
    }
    // The stats list peers: readable by the page itself, not by pages of other origins.
    RawHttp http(server->port());
    http.get("/api/stats");
    QVERIFY(http.read().header("Access-Control-Allow-Origin").isEmpty());
}

void TestPushServer::crossSiteSeedPublishIsRefused() {
    auto server = startServer();
    RawHttp http(server->port());
    http.get("/updatemessage?message=img", "Sec-Fetch-Site: cross-site\r\n"); // <img src> elsewhere
    QCOMPARE(http.read().status, 403);
    http.get("/updatemessage?message=typed", "Sec-Fetch-Site: none\r\n"); // typed in the bar
    QCOMPARE(http.read().status, 200);
    QCOMPARE(server->log().publishedCount(), 1);
}

void TestPushServer::http10SplitAcrossPacketsIsStillClosed() {
    // The version is in the second packet: the server must still answer Connection: close and
    // end the connection (it used to look only at the first packet's request line).
    auto server = startServer();
    RawHttp http(server->port());
    http.send("GET /api/messages?since=0 HTT");
    QTest::qWait(50); // each part arrives on its own
    http.send("P/1.0\r\nHost: 127.0.0.1\r\n\r\n");
    const RawResponse r = http.read();
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("Connection"), QByteArray("close"));
    QVERIFY(http.waitForDisconnected());
}

void TestPushServer::sseFramingIsExact() {
    auto server = startServer();
    RawHttp http(server->port());
    http.get("/api/events", "Accept: text/event-stream\r\n");
    const QByteArray head = http.readUntil("retry: 2000\n\n");
    QCOMPARE(head, QByteArray("HTTP/1.1 200 OK\r\n"
                              "Content-Type: text/event-stream; charset=utf-8\r\n"
                              "Cache-Control: no-cache\r\n"
                              "X-Accel-Buffering: no\r\n"
                              "Access-Control-Allow-Origin: *\r\n"
                              // The stream's heartbeat, so a client can tell quiet from dead.
                              "X-Heartbeat-Interval: 15000\r\n"
                              "Connection: keep-alive\r\n"
                              "\r\n"
                              "retry: 2000\n\n"));
    http.takeBuffer();
    QTRY_COMPARE(server->openStreamCount(), 1);
    const Message &m = server->publish(QStringLiteral("line one\nline two"));
    const QByteArray expected =
        "id: " + QByteArray::number(m.id) + "\nevent: message\ndata: " + m.json + "\n\n";
    QCOMPARE(http.readUntil(expected), expected);
    QVERIFY(!m.json.contains('\n'));
    QCOMPARE(jsonObject(m.json).value(QStringLiteral("text")).toString(),
             QStringLiteral("line one\nline two"));
}

void TestPushServer::sseHeartbeatKeepsStreamAlive() {
    ServerConfig config;
    config.heartbeatMs = 100;
    auto server = startServer(config);
    RawHttp http(server->port());
    http.get("/api/events");
    const QByteArray got = http.readUntil(": heartbeat\n\n: heartbeat\n\n", 5000);
    QVERIFY2(got.endsWith("retry: 2000\n\n: heartbeat\n\n: heartbeat\n\n"), got.constData());
    const Message &m = server->publish(QStringLiteral("after beats"));
    QVERIFY(http.readUntil(m.sseEvent).contains(m.sseEvent));
}

void TestPushServer::sseReplaysFromLastEventId_data() {
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<QByteArray>("headerTemplate");
    QTest::newRow("Last-Event-ID header")
        << QByteArray("/api/events") << QByteArray("Last-Event-ID: %1\r\n");
    QTest::newRow("lastEventId query") << QByteArray("/api/events?lastEventId=%1") << QByteArray();
    QTest::newRow("last_event_id query")
        << QByteArray("/api/events?last_event_id=%1") << QByteArray();
}

void TestPushServer::sseReplaysFromLastEventId() {
    QFETCH(QByteArray, target);
    QFETCH(QByteArray, headerTemplate);
    auto server = startServer();
    const quint64 a = server->publish(QStringLiteral("a")).id;
    const Message b = server->publish(QStringLiteral("b"));
    const Message c = server->publish(QStringLiteral("c"));
    RawHttp http(server->port());
    const QByteArray id = QByteArray::number(a);
    http.get(QByteArray(target).replace("%1", id), QByteArray(headerTemplate).replace("%1", id));
    const QByteArray got = http.readUntil(c.sseEvent);
    QVERIFY(got.endsWith(QByteArray("retry: 2000\n\n" + b.sseEvent + c.sseEvent)));
    QVERIFY(!got.contains("event: gap"));
}

void TestPushServer::sseSaysWhenHistoryIsGone() {
    ServerConfig config;
    config.historySize = 3;
    auto server = startServer(config);
    const quint64 first = server->publish(QStringLiteral("1")).id;
    for (int i = 2; i <= 6; ++i)
        server->publish(QString::number(i));
    // Ids first..first+5; the ring keeps the last three.
    RawHttp http(server->port());
    http.get("/api/events", "Last-Event-ID: " + QByteArray::number(first) + "\r\n");
    const QByteArray got = http.readUntil("\"text\":\"6\"}\n\n");
    const QByteArray gap = "event: gap\ndata: {\"lastSeenId\":" + QByteArray::number(first) +
                           ",\"firstAvailableId\":" + QByteArray::number(first + 3) +
                           ",\"reason\":\"evicted\"}\n\n";
    QVERIFY2(got.contains(QByteArray("retry: 2000\n\n" + gap +
                                     "id: " + QByteArray::number(first + 3) + "\n")),
             got.constData());
    QCOMPARE(got.count("event: message"), 3);

    // An id from an earlier run of the server (smaller than this run's first id) is not
    // mistaken for one of ours: the client is told its history is gone.
    RawHttp old(server->port());
    old.get("/api/events", "Last-Event-ID: 12345\r\n");
    const QByteArray oldGot = old.readUntil("\"text\":\"6\"}\n\n");
    QVERIFY(oldGot.contains("event: gap\ndata: {\"lastSeenId\":12345,"));
    QVERIFY(oldGot.contains("\"reason\":\"restart\"}\n\n"));
    QCOMPARE(oldGot.count("event: message"), 3);
}

void TestPushServer::pollReportsGap() {
    ServerConfig config;
    config.historySize = 2;
    auto server = startServer(config);
    const quint64 first = server->publish(QStringLiteral("1")).id;
    server->publish(QStringLiteral("2"));
    server->publish(QStringLiteral("3"));
    RawHttp http(server->port());
    http.get("/api/messages?since=" + QByteArray::number(first - 1));
    QJsonObject o = jsonObject(http.read().body);
    QCOMPARE(quint64(o.value(QStringLiteral("gap"))
                         .toObject()
                         .value(QStringLiteral("firstAvailableId"))
                         .toInteger()),
             first + 1);
    QCOMPARE(o.value(QStringLiteral("messages")).toArray().size(), 2);
    http.get("/api/messages/wait?since=7");
    o = jsonObject(http.read().body);
    QCOMPARE(quint64(o.value(QStringLiteral("gap"))
                         .toObject()
                         .value(QStringLiteral("lastSeenId"))
                         .toInteger()),
             7u);
    // Up to date: no gap.
    http.get("/api/messages?since=" + QByteArray::number(first + 2));
    QVERIFY(!jsonObject(http.read().body).contains(QStringLiteral("gap")));
}

void TestPushServer::thousandPublishesReachLongPollLoopOnceInOrder() {
    auto server = startServer();
    const quint64 start = server->log().lastId();
    constexpr int total = 1000;
    // Publish in bursts of 7 back to back, so many land while the client is between requests.
    QTimer publisher;
    int published = 0;
    connect(&publisher, &QTimer::timeout, this, [&] {
        for (int i = 0; i < 7 && published < total; ++i)
            server->publish(QStringLiteral("m%1").arg(++published));
        if (published == total)
            publisher.stop();
    });
    publisher.start(1);

    RawHttp http(server->port());
    QList<quint64> received;
    quint64 since = start;
    QElapsedTimer timer;
    timer.start();
    while (received.size() < total && timer.elapsed() < 60000) {
        http.get("/api/messages/wait?since=" + QByteArray::number(since) + "&timeout=5");
        const RawResponse r = http.read(10000);
        QVERIFY(r.complete);
        if (r.status == 204)
            continue;
        QCOMPARE(r.status, 200);
        const QList<quint64> ids = idsOf(r.body);
        QVERIFY(!ids.isEmpty());
        received += ids;
        since = ids.last();
    }
    QCOMPARE(received.size(), total);
    for (int i = 0; i < total; ++i)
        QCOMPARE(received.at(i), start + 1 + quint64(i));
}

void TestPushServer::thousandPublishesReachStreamOnceInOrder() {
    auto server = startServer();
    RawHttp http(server->port());
    http.get("/api/events");
    http.readUntil("retry: 2000\n\n");
    QTRY_COMPARE(server->openStreamCount(), 1);
    const quint64 start = server->log().lastId();
    for (int i = 1; i <= 1000; ++i)
        server->publish(QStringLiteral("m%1").arg(i));
    const QByteArray last = "\"text\":\"m1000\"}\n\n";
    const QByteArray got = http.readUntil(last, 20000);
    QVERIFY(got.endsWith(last));
    QCOMPARE(got.count("event: message\n"), 1000);
    // ids in order, each once
    quint64 expected = start + 1;
    int from = 0;
    while ((from = got.indexOf("\nid: ", from)) >= 0) {
        from += 5;
        const int end = got.indexOf('\n', from);
        QCOMPARE(got.mid(from, end - from).toULongLong(), expected++);
    }
    QCOMPARE(expected, start + 1001);
}

void TestPushServer::disconnectWhileWaitingIsForgotten() {
    auto server = startServer();
    {
        RawHttp http(server->port());
        http.get("/api/messages/wait?timeout=30");
        QTRY_COMPARE(server->waitingPollCount(), 1);
        QCOMPARE(server->connectionCount(), 1);
    } // the client vanishes
    QTRY_COMPARE(server->waitingPollCount(), 0);
    QTRY_COMPARE(server->connectionCount(), 0);
    server->publish(QStringLiteral("nobody waits")); // must not write to the freed socket
    QCOMPARE(server->counters(PushLab::Pattern::LongPoll).delivered, 0);
}

void TestPushServer::waitersLeavingInAnyOrderAreAnsweredOnce() {
    // Waiting polls leave by vanishing, by timing out and by being answered, in any order;
    // each news answers exactly those still waiting, once.
    auto server = startServer();
    std::vector<std::unique_ptr<RawHttp>> polls;
    for (int i = 0; i < 6; ++i) {
        polls.push_back(std::make_unique<RawHttp>(server->port()));
        polls.back()->get(i == 5 ? "/api/messages/wait?timeout=1" : "/api/messages/wait");
    }
    QTRY_COMPARE(server->waitingPollCount(), 6);
    polls[0].reset(); // the first and a middle one vanish
    polls[2].reset();
    QTRY_COMPARE(server->waitingPollCount(), 4);
    QCOMPARE(polls[5]->read(5000).status, 204); // the last one times out
    QCOMPARE(server->waitingPollCount(), 3);

    const Message &first = server->publish(QStringLiteral("first news"));
    for (const int i : {1, 3, 4}) {
        const RawResponse r = polls[i]->read();
        QCOMPARE(r.status, 200);
        QCOMPARE(idsOf(r.body), QList<quint64>{first.id});
    }
    QCOMPARE(server->waitingPollCount(), 0);
    QCOMPARE(server->counters(PushLab::Pattern::LongPoll).delivered, 3);

    // Again, with one leaving in the middle of the list.
    for (const int i : {1, 3, 4})
        polls[i]->get("/api/messages/wait?since=" + QByteArray::number(first.id));
    QTRY_COMPARE(server->waitingPollCount(), 3);
    polls[3].reset();
    QTRY_COMPARE(server->waitingPollCount(), 2);
    const Message &second = server->publish(QStringLiteral("second news"));
    for (const int i : {1, 4}) {
        const RawResponse r = polls[i]->read();
        QCOMPARE(r.status, 200);
        QCOMPARE(idsOf(r.body), QList<quint64>{second.id});
    }
    QCOMPARE(server->counters(PushLab::Pattern::LongPoll).delivered, 5);
    QCOMPARE(server->waitingPollCount(), 0);
    polls[1]->get("/api/messages?since=" + QByteArray::number(second.id)); // still in step
    QCOMPARE(polls[1]->read().status, 200);
}

void TestPushServer::disconnectStreamIsForgotten() {
    auto server = startServer();
    {
        RawHttp http(server->port());
        http.get("/api/events");
        http.readUntil("retry: 2000\n\n");
        QTRY_COMPARE(server->openStreamCount(), 1);
    }
    QTRY_COMPARE(server->openStreamCount(), 0);
    server->publish(QStringLiteral("into the void"));
    QCOMPARE(server->counters(PushLab::Pattern::ServerSentEvents).delivered, 0);
}

void TestPushServer::secondRequestNeverLandsInStream() {
    auto server = startServer();
    RawHttp http(server->port());
    http.get("/api/events");
    http.readUntil("retry: 2000\n\n");
    http.takeBuffer();
    http.get("/api/stats");
    http.post("/api/messages", "sneaky");
    // A full round trip on another connection: by its end the server has read those bytes.
    RawHttp other(server->port());
    other.get("/api/messages");
    QCOMPARE(other.read().status, 200);
    const Message &m = server->publish(QStringLiteral("real"));
    other.get("/api/messages");
    QCOMPARE(other.read().status, 200);
    const QByteArray got = http.readUntil(m.sseEvent);
    QCOMPARE(got, m.sseEvent);
    QCOMPARE(server->log().publishedCount(), 1);
    QVERIFY(!got.contains("HTTP/1.1"));
}

void TestPushServer::http10IsAnsweredThenClosed() {
    // An HTTP/1.0 client without keep-alive reads to the end of the connection: every answer
    // says Connection: close and the server closes, for an immediate answer and for a long
    // poll answered later. (HTTP/1.0 never takes the fast path.)
    auto server = startServer();
    RawHttp poll(server->port());
    poll.send("\r\nGET /api/messages HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
    const RawResponse answer = poll.read();
    QCOMPARE(answer.status, 200);
    QCOMPARE(answer.header("Connection").toLower(), QByteArray("close"));
    QVERIFY(poll.socket()->state() == QAbstractSocket::UnconnectedState ||
            poll.socket()->waitForDisconnected(5000));

    RawHttp wait(server->port());
    wait.send("GET /api/messages/wait?timeout=10 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    QTRY_COMPARE(server->waitingPollCount(), 1);
    server->publish(QStringLiteral("for an old client"));
    const RawResponse woken = wait.read();
    QCOMPARE(woken.status, 200);
    QVERIFY(woken.body.contains("for an old client"));
    QCOMPARE(woken.header("Connection").toLower(), QByteArray("close"));
    QVERIFY(wait.socket()->state() == QAbstractSocket::UnconnectedState ||
            wait.socket()->waitForDisconnected(5000));
    QCOMPARE(server->fastPathRequests(), 0);

    // A stream over HTTP/1.0 stays open (it ends when the client leaves) and says close.
    RawHttp stream(server->port());
    stream.send("GET /api/events HTTP/1.0\r\n\r\n");
    const QByteArray head = stream.readUntil("retry: 2000\n\n");
    QVERIFY2(head.contains("\r\nConnection: close\r\n"), head.constData());
    const Message &m = server->publish(QStringLiteral("streamed to 1.0"));
    QCOMPARE(stream.readUntil(m.sseEvent).right(m.sseEvent.size()), m.sseEvent);

    // HTTP/1.1 on the same server keeps its connection.
    RawHttp modern(server->port());
    modern.get("/api/messages");
    QCOMPARE(modern.read().status, 200);
    modern.get("/api/messages");
    QCOMPARE(modern.read().status, 200);
}

void TestPushServer::connectionsHaveNagleOff() {
    // Small answers and pushes go out at once, never held back by Nagle's algorithm waiting
    // for the client's delayed ACK: every accepted connection has TCP_NODELAY.
    auto server = startServer();
    RawHttp poll(server->port());
    poll.get("/api/messages");
    QCOMPARE(poll.read().status, 200);
    RawHttp stream(server->port());
    stream.get("/api/events");
    stream.readUntil("retry: 2000\n\n");
    QCOMPARE(serverSideNoDelay(server->port(), poll.socket()->localPort()), 1);
    QCOMPARE(serverSideNoDelay(server->port(), stream.socket()->localPort()), 1);
}

void TestPushServer::streamDiscardsWhatItsClientSends() {
    // Bytes a stream's client sends are read and dropped, never counted as a request: more
    // than the request limit of them neither ends the stream nor lands a 413 in it.
    ServerConfig config;
    config.maxRequestBytes = 16 * 1024;
    auto server = startServer(config);
    RawHttp http(server->port());
    http.get("/api/events");
    http.readUntil("retry: 2000\n\n");
    http.takeBuffer();
    for (int i = 0; i < 8; ++i) {
        http.send(QByteArray(8 * 1024, 'x'));
        QTest::qWait(10);
    }
    // A round trip on another connection, then a message: the stream still carries it alone.
    RawHttp other(server->port());
    other.get("/api/messages");
    QCOMPARE(other.read().status, 200);
    const Message &m = server->publish(QStringLiteral("still streaming"));
    const QByteArray got = http.readUntil(m.sseEvent);
    QCOMPARE(got, m.sseEvent);
    QVERIFY(http.connected());
    QCOMPARE(server->openStreamCount(), 1);
}

void TestPushServer::headAndOptions() {
    auto server = startServer();
    RawHttp http(server->port());
    // HEAD on a stream: refused without a body, and the next response on the connection is intact.
    http.send(
        "HEAD /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /api/messages HTTP/1.1\r\nHost: "
        "127.0.0.1\r\n\r\n");
    const RawResponse head = http.read(5000, true);
    QCOMPARE(head.status, 405);
    QCOMPARE(head.header("Allow"), QByteArray("GET, OPTIONS"));
    const RawResponse next = http.read();
    QCOMPARE(next.status, 200);
    QVERIFY(jsonObject(next.body).contains(QStringLiteral("lastId")));

    http.send("OPTIONS /api/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://elsewhere\r\n"
              "Access-Control-Request-Method: GET\r\n\r\n");
    const RawResponse options = http.read();
    QCOMPARE(options.status, 204);
    QCOMPARE(options.header("Allow"), QByteArray("GET, POST, OPTIONS"));
    QCOMPARE(options.header("Access-Control-Allow-Origin"), QByteArray("*"));

    http.send("DELETE /api/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    const RawResponse del = http.read();
    QCOMPARE(del.status, 405);
    QVERIFY(jsonObject(del.body).contains(QStringLiteral("error")));
    QCOMPARE(server->log().publishedCount(), 0);
}

void TestPushServer::pipelinedRequestBehindWaitingPollIsAnsweredInOrder() {
    auto server = startServer();
    RawHttp http(server->port());
    http.send("GET /api/messages/wait?timeout=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
              "GET /api/stats HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    const RawResponse first = http.read(5000);
    QCOMPARE(first.status, 204); // the poll, answered first although it waited
    const RawResponse second = http.read(5000);
    QCOMPARE(second.status, 200);
    QVERIFY(jsonObject(second.body).contains(QStringLiteral("patterns")));
}

void TestPushServer::connectionCloseIsHonoured_data() {
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<int>("status");
    QTest::addColumn<bool>("publishWhileWaiting");
    QTest::newRow("short poll") << QByteArray("/api/messages") << 200 << false;
    QTest::newRow("long poll timing out")
        << QByteArray("/api/messages/wait?timeout=1") << 204 << false;
    QTest::newRow("long poll woken") << QByteArray("/api/messages/wait?timeout=30") << 200 << true;
    QTest::newRow("seed long poll woken") << QByteArray("/getmessage") << 200 << true;
}

void TestPushServer::connectionCloseIsHonoured() {
    // The answer ends the connection, and the server forgets it at once (no access to a
    // connection record after the socket went away: the ASan build checks).
    QFETCH(QByteArray, target);
    QFETCH(int, status);
    QFETCH(bool, publishWhileWaiting);
    auto server = startServer();
    RawHttp http(server->port());
    http.get(target, "Connection: close\r\n");
    if (publishWhileWaiting) {
        QTRY_COMPARE(server->waitingPollCount(), 1);
        server->publish(QStringLiteral("wake up"));
    }
    const RawResponse r = http.read(5000);
    QCOMPARE(r.status, status);
    QCOMPARE(r.header("Connection"), QByteArray("close"));
    QVERIFY(http.waitForDisconnected());
    QTRY_COMPARE(server->connectionCount(), 0);
    QCOMPARE(server->waitingPollCount(), 0);
}

void TestPushServer::seedRoutes() {
    auto server = startServer();
    RawHttp waiter(server->port());
    waiter.get("/getmessage");
    QTRY_COMPARE(server->waitingPollCount(), 1);

    RawHttp stream(server->port());
    stream.get("/events");
    stream.readUntil("retry: 2000\n\n");
    QTRY_COMPARE(server->openStreamCount(), 1);

    RawHttp publisher(server->port());
    publisher.get("/updatemessage?message=hello%20world");
    QCOMPARE(publisher.read().status, 200);
    // Published back to back: the seed lost or overwrote the first; we keep both.
    publisher.get("/updatemessage?message=second%0Aline");
    QCOMPARE(publisher.read().status, 200);

    RawResponse r = waiter.read();
    QCOMPARE(r.status, 200);
    QVERIFY(r.header("Content-Type").startsWith("text/plain"));
    QCOMPARE(r.body, QByteArray("hello world"));
    waiter.get("/getmessage"); // same connection: the next one, not lost
    r = waiter.read();
    QCOMPARE(r.body, QByteArray("second\nline"));

    const QByteArray events = stream.readUntil("data: line\n\n");
    QVERIFY(events.contains("data: hello world\n\n"));
    QVERIFY(events.contains("data: second\ndata: line\n\n"));

    publisher.get("/updatemessage");
    QCOMPARE(publisher.read().status, 400);
    QCOMPARE(server->log().publishedCount(), 2);
}

void TestPushServer::seedGetMessageTimesOut() {
    ServerConfig config;
    config.seedWaitSeconds = 1;
    auto server = startServer(config);
    RawHttp http(server->port());
    http.get("/getmessage");
    const RawResponse r = http.read(5000);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, QByteArray("No new messages"));
}

void TestPushServer::tooLargeRequestIs413() {
    ServerConfig config;
    config.maxRequestBytes = 100 * 1024;
    auto server = startServer(config);
    RawHttp http(server->port());
    // Announce 50 MB and start sending: rejected long before the body is complete.
    http.send("POST /api/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 50000000\r\n\r\n");
    for (int i = 0; i < 4; ++i)
        http.send(QByteArray(64 * 1024, 'a'));
    const RawResponse r = http.read(5000);
    QCOMPARE(r.status, 413);
    QVERIFY(http.waitForDisconnected());
    QCOMPARE(server->log().publishedCount(), 0);
}

void TestPushServer::tooLargeHeadersAre431() {
    auto server = startServer();
    RawHttp http(server->port());
    http.get("/api/messages", "X-Big: " + QByteArray(20 * 1024, 'b') + "\r\n");
    QCOMPARE(http.read().status, 431);
}

void TestPushServer::halfSentRequestTimesOut() {
    ServerConfig config;
    config.requestTimeoutMs = 200;
    auto server = startServer(config);
    RawHttp http(server->port());
    http.send("GET /api/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n"); // never finished
    const RawResponse r = http.read(5000);
    QCOMPARE(r.status, 408);
    QVERIFY(http.waitForDisconnected());
    QTRY_COMPARE(server->connectionCount(), 0);
}

void TestPushServer::connectionCapAnswers503() {
    ServerConfig config;
    config.maxConnections = 2;
    auto server = startServer(config);
    RawHttp a(server->port());
    RawHttp b(server->port());
    QTRY_COMPARE(server->connectionCount(), 2);
    RawHttp c(server->port());
    const RawResponse r = c.read(5000);
    QCOMPARE(r.status, 503);
    QVERIFY(c.waitForDisconnected());
    a.get("/api/messages");
    QCOMPARE(a.read().status, 200); // the held ones still work
}

void TestPushServer::slowSubscriberIsDropped() {
    ServerConfig config;
    config.maxUnsentBytes = 256 * 1024;
    auto server = startServer(config);
    RawHttp reader(server->port());
    reader.get("/api/events");
    reader.readUntil("retry: 2000\n\n");
    RawHttp stalled(server->port());
    stalled.socket()->setReadBufferSize(1); // stops reading: the kernel buffers fill up
    stalled.get("/api/events");
    QTRY_COMPARE(server->openStreamCount(), 2);
    const QString big(60 * 1024, u'x');
    for (int i = 0; i < 400 && server->openStreamCount() == 2; ++i) {
        server->publish(big);
        QCoreApplication::processEvents(); // lets the reader drain
        reader.takeBuffer();
        if (reader.socket()->bytesAvailable())
            reader.socket()->readAll();
    }
    QTRY_COMPARE(server->openStreamCount(), 1);
    QCOMPARE(reader.connected(), true);
}

void TestPushServer::statsCountPeersByPattern() {
    auto server = startServer();
    RawHttp sse(server->port());
    sse.get("/api/events", "User-Agent: TestBrowser/1.0\r\n");
    sse.readUntil("retry: 2000\n\n");
    RawHttp longPoll(server->port());
    longPoll.get("/api/messages/wait?timeout=30");
    RawHttp shortPoll(server->port());
    shortPoll.get("/api/messages");
    shortPoll.read();
    QTRY_COMPARE(server->waitingPollCount(), 1);

    RawHttp http(server->port());
    http.get("/api/stats");
    const QJsonObject stats = jsonObject(http.read().body);
    const QJsonObject patterns = stats.value(QStringLiteral("patterns")).toObject();
    QCOMPARE(patterns.value(QStringLiteral("sse")).toObject().value(QStringLiteral("open")).toInt(),
             1);
    QCOMPARE(
        patterns.value(QStringLiteral("long")).toObject().value(QStringLiteral("open")).toInt(), 1);
    QCOMPARE(
        patterns.value(QStringLiteral("short")).toObject().value(QStringLiteral("open")).toInt(),
        1);
    QCOMPARE(patterns.value(QStringLiteral("short"))
                 .toObject()
                 .value(QStringLiteral("requests"))
                 .toInt(),
             1);
    QCOMPARE(stats.value(QStringLiteral("peersTotal")).toInt(), 3);
    bool sawBrowser = false;
    const QJsonArray peers = stats.value(QStringLiteral("peers")).toArray();
    for (const QJsonValue &p : peers) {
        const QJsonObject peer = p.toObject();
        QCOMPARE(peer.value(QStringLiteral("address")).toString(), QStringLiteral("127.0.0.1"));
        QVERIFY(peer.value(QStringLiteral("since")).toInteger() > 0);
        if (peer.value(QStringLiteral("userAgent")).toString() ==
            QLatin1String("TestBrowser/1.0")) {
            sawBrowser = true;
            QCOMPARE(peer.value(QStringLiteral("pattern")).toString(), QStringLiteral("sse"));
        }
    }
    QVERIFY(sawBrowser);
}

void TestPushServer::closeStreamsEndsEveryStream() {
    auto server = startServer();
    RawHttp a(server->port());
    a.get("/api/events");
    RawHttp b(server->port());
    b.get("/events");
    QTRY_COMPARE(server->openStreamCount(), 2);
    RawHttp http(server->port());
    http.post("/api/streams/close", QByteArray());
    const RawResponse r = http.read();
    QCOMPARE(r.status, 200);
    QCOMPARE(jsonObject(r.body).value(QStringLiteral("closed")).toInt(), 2);
    QVERIFY(a.waitForDisconnected());
    QVERIFY(b.waitForDisconnected());
    QTRY_COMPARE(server->openStreamCount(), 0);
    http.post("/api/streams/close", QByteArray(), "Origin: http://evil.example\r\n");
    QCOMPARE(http.read().status, 403);
}

void TestPushServer::unknownRouteIs404Json() {
    auto server = startServer();
    RawHttp http(server->port());
    http.get("/api/nothing-here");
    const RawResponse r = http.read();
    QCOMPARE(r.status, 404);
    QVERIFY(jsonObject(r.body)
                .value(QStringLiteral("error"))
                .toString()
                .contains(QLatin1String("/api/nothing-here")));
    http.get("/../etc/passwd");
    QCOMPARE(http.read().status, 404);
}

void TestPushServer::tickerPublishes() {
    ServerConfig config;
    config.tickerSeconds = 0.05;
    auto server = startServer(config);
    QTRY_VERIFY(server->log().publishedCount() >= 3);
    RawHttp http(server->port());
    http.get("/api/messages?since=0");
    const QJsonArray messages =
        jsonObject(http.read().body).value(QStringLiteral("messages")).toArray();
    QCOMPARE(messages.first().toObject().value(QStringLiteral("text")).toString(),
             QStringLiteral("Message 1"));
}

void TestPushServer::servesBrowserPage() {
    auto server = startServer();
    RawHttp http(server->port());
    http.get("/");
    const RawResponse r = http.read();
    QCOMPARE(r.status, 200);
    QVERIFY(r.header("Content-Type").startsWith("text/html"));
    QVERIFY(r.body.contains("<html") || r.body.contains("<!DOCTYPE") ||
            r.body.contains("<!doctype"));
}

void TestPushServer::pollsAndStreamsTakeTheFastPathOnEpoll() {
    auto server = startServer();
    server->publish(QStringLiteral("one"));
    RawHttp http(server->port());
    http.get("/api/messages?since=0");
    QCOMPARE(http.read().status, 200);
    http.get("/api/messages/wait?since=0&timeout=5");
    QCOMPARE(http.read().status, 200);
    RawHttp stream(server->port());
    stream.get("/api/events", "Last-Event-ID: 0\r\n");
    QVERIFY(stream.readUntil("\"text\":\"one\"").contains("\"text\":\"one\""));
    // On Qt's own dispatcher every request goes through QHttpServer.
    QCOMPARE(server->fastPathRequests(), PushLab::Test::onEpoll() ? 3 : 0);
}

void TestPushServer::unusualRequestsAreStillAnswered_data() {
    QTest::addColumn<QByteArrayList>("parts"); // written one after the other
    QTest::addColumn<QList<int>>("statuses");
    QTest::addColumn<int>("fastOnEpoll"); // requests the fast path takes on epoll
    const QByteArray poll = "GET /api/messages?since=0 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    const QByteArray post =
        "POST /api/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\r\nhello";
    QTest::newRow("head split in two writes")
        << QByteArrayList{"GET /api/messages?since=0 HT", "TP/1.1\r\nHost: 127.0.0.1\r\n\r\n"}
        << QList<int>{200} << 0;
    QTest::newRow("a body on a GET") << QByteArrayList{"GET /api/messages HTTP/1.1\r\nHost: "
                                                       "127.0.0.1\r\nContent-Length: 3\r\n\r\nabc"}
                                     << QList<int>{200} << 0;
    QTest::newRow("percent-encoded query")
        << QByteArrayList{"GET /api/messages?since=%30 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"}
        << QList<int>{200} << 0;
    QTest::newRow("bad since on the fast path")
        << QByteArrayList{"GET /api/messages?since=x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"}
        << QList<int>{400} << 1;
    QTest::newRow("header names in any case")
        << QByteArrayList{"GET /api/messages?since=0 HTTP/1.1\r\nhOsT: 127.0.0.1\r\nCONNECTION: "
                          "keep-alive\r\n\r\n"}
        << QList<int>{200} << 1;
    QTest::newRow("a POST pipelined behind a poll")
        << QByteArrayList{poll + post} << QList<int>{200, 201} << 1;
    QTest::newRow("a poll pipelined behind a POST")
        << QByteArrayList{post + poll} << QList<int>{201, 200} << 0;
    QTest::newRow("HEAD of a polling route")
        << QByteArrayList{"HEAD /api/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", poll}
        << QList<int>{405, 200} << 1;
}

void TestPushServer::unusualRequestsAreStillAnswered() {
    QFETCH(QByteArrayList, parts);
    QFETCH(QList<int>, statuses);
    QFETCH(int, fastOnEpoll);
    auto server = startServer();
    RawHttp http(server->port());
    for (const QByteArray &part : parts) {
        http.send(part);
        QTest::qWait(50); // each part arrives on its own
    }
    for (const int status : statuses) {
        const RawResponse r = http.read(5000, status == 405);
        QCOMPARE(r.status, status);
    }
    QCOMPARE(server->fastPathRequests(), PushLab::Test::onEpoll() ? fastOnEpoll : 0);
    http.get("/api/stats"); // the connection is still in step
    QCOMPARE(http.read().status, 200);
}

PUSHLAB_DISPATCHER_TEST_MAIN(TestPushServer)
#include "tst_pushserver.moc"
