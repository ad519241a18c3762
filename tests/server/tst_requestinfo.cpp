// The fast path's request parser: which requests it takes, and what it reads from them.

#include "requestinfo.h"

#include <QtTest/QtTest>

class TestRequestInfo : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void takesPlainGets();
    void leavesEverythingElseToQHttpServer_data();
    void leavesEverythingElseToQHttpServer();
};

namespace {
const QList<QByteArrayView> paths{"/api/messages", "/api/events"};
}

void TestRequestInfo::takesPlainGets() {
    const QByteArray request = "GET /api/messages?since=42&x=1 HTTP/1.1\r\n"
                               "Host: 127.0.0.1:8050\r\n"
                               "user-agent:   Probe/1.0  \r\n"
                               "Accept: */*\r\n"
                               "Last-Event-ID: 7\r\n"
                               "Content-Length: 0\r\n"
                               "\r\n";
    qsizetype length = 0;
    const auto info = RequestInfo::fromSimpleGet(QByteArray(request + "GET /next"), paths, &length);
    QVERIFY(info);
    QCOMPARE(length, request.size()); // the pipelined bytes after it are not its own
    QCOMPARE(info->headerBytes, request.size());
    QCOMPARE(info->method, RequestInfo::Method::Get);
    QCOMPARE(info->path, QStringLiteral("/api/messages"));
    QCOMPARE(info->query.queryItemValue(QStringLiteral("since")), QStringLiteral("42"));
    QCOMPARE(info->host, QByteArray("127.0.0.1:8050"));
    QCOMPARE(info->userAgent, QByteArray("Probe/1.0"));
    QCOMPARE(info->lastEventId, QByteArray("7"));
    QVERIFY(info->origin.isEmpty());
    QVERIFY(info->body.isEmpty());

    const auto bare =
        RequestInfo::fromSimpleGet("GET /api/events HTTP/1.1\r\n\r\n", paths, &length);
    QVERIFY(bare);
    QVERIFY(bare->query.isEmpty());
    QCOMPARE(length, 28);
}

void TestRequestInfo::leavesEverythingElseToQHttpServer_data() {
    QTest::addColumn<QByteArray>("request");
    QTest::newRow("incomplete") << QByteArray("GET /api/messages HTTP/1.1\r\nHost: x\r\n");
    QTest::newRow("POST") << QByteArray("POST /api/messages HTTP/1.1\r\n\r\n");
    QTest::newRow("HEAD") << QByteArray("HEAD /api/messages HTTP/1.1\r\n\r\n");
    QTest::newRow("lowercase method") << QByteArray("get /api/messages HTTP/1.1\r\n\r\n");
    QTest::newRow("HTTP/1.0") << QByteArray("GET /api/messages HTTP/1.0\r\n\r\n");
    QTest::newRow("other route") << QByteArray("GET /api/stats HTTP/1.1\r\n\r\n");
    QTest::newRow("route prefix") << QByteArray("GET /api/messagesX HTTP/1.1\r\n\r\n");
    QTest::newRow("absolute form") << QByteArray("GET http://x/api/messages HTTP/1.1\r\n\r\n");
    QTest::newRow("percent-encoded") << QByteArray("GET /api/messages?since=%34 HTTP/1.1\r\n\r\n");
    QTest::newRow("fragment") << QByteArray("GET /api/messages#x HTTP/1.1\r\n\r\n");
    QTest::newRow("two spaces") << QByteArray("GET /api/messages  HTTP/1.1\r\n\r\n");
    QTest::newRow("a body") << QByteArray(
        "GET /api/messages HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi");
    QTest::newRow("chunked") << QByteArray(
        "GET /api/messages HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    QTest::newRow("Expect") << QByteArray(
        "GET /api/messages HTTP/1.1\r\nExpect: 100-continue\r\n\r\n");
    QTest::newRow("Upgrade") << QByteArray(
        "GET /api/events HTTP/1.1\r\nUpgrade: websocket\r\n\r\n");
    QTest::newRow("folded header")
        << QByteArray("GET /api/messages HTTP/1.1\r\nUser-Agent: a\r\n b\r\n\r\n");
    QTest::newRow("repeated header")
        << QByteArray("GET /api/messages HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n");
    QTest::newRow("no colon") << QByteArray("GET /api/messages HTTP/1.1\r\nHost\r\n\r\n");
    QTest::newRow("space in a name")
        << QByteArray("GET /api/messages HTTP/1.1\r\nUser Agent: a\r\n\r\n");
    QTest::newRow("bare LF") << QByteArray("GET /api/messages HTTP/1.1\nHost: x\n\n");
}

void TestRequestInfo::leavesEverythingElseToQHttpServer() {
    QFETCH(QByteArray, request);
    qsizetype length = -1;
    QVERIFY(!RequestInfo::fromSimpleGet(request, paths, &length));
    QCOMPARE(length, -1);
}

QTEST_GUILESS_MAIN(TestRequestInfo)
#include "tst_requestinfo.moc"
