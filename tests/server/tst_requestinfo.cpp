// The fast path's request parser: which requests it takes, and what it reads from them.

#include "requestinfo.h"

#include <QtTest/QtTest>

class TestRequestInfo : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void takesPlainGets();
    void leavesEverythingElseToQHttpServer_data();
    void leavesEverythingElseToQHttpServer();
    void plainQueryReadsAsQUrlQuery_data();
    void plainQueryReadsAsQUrlQuery();
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
    QCOMPARE(info->query.value(QLatin1StringView("since")), QStringLiteral("42"));
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
    QTest::newRow("a control byte in a value")
        << QByteArray("GET /api/messages HTTP/1.1\r\nUser-Agent: a\x01b\r\n\r\n");
    QTest::newRow("a bare CR in a value")
        << QByteArray("GET /api/messages HTTP/1.1\r\nUser-Agent: a\rb\r\n\r\n");
    QTest::newRow("a CR before a line's CRLF")
        << QByteArray("GET /api/events HTTP/1.1\r\nHost: localhost\r\r\n\r\n");
    QTest::newRow("Content-Length twice") << QByteArray(
        "GET /api/messages HTTP/1.1\r\nContent-Length: 0\r\nContent-Length: 0\r\n\r\n");
}

void TestRequestInfo::leavesEverythingElseToQHttpServer() {
    QFETCH(QByteArray, request);
    qsizetype length = -1;
    QVERIFY(!RequestInfo::fromSimpleGet(request, paths, &length));
    QCOMPARE(length, -1);
}

void TestRequestInfo::plainQueryReadsAsQUrlQuery_data() {
    QTest::addColumn<QByteArray>("raw");
    QTest::newRow("one item") << QByteArray("since=5");
    QTest::newRow("empty value") << QByteArray("since=");
    QTest::newRow("no value") << QByteArray("since");
    QTest::newRow("the first of two") << QByteArray("a=1&since=7&since=8");
    QTest::newRow("empty items") << QByteArray("&&since=3&");
    QTest::newRow("largest id") << QByteArray("since=18446744073709551615");
    QTest::newRow("one past the largest") << QByteArray("since=18446744073709551616");
    QTest::newRow("twenty nines") << QByteArray("since=99999999999999999999");
    QTest::newRow("twenty-one digits") << QByteArray("since=000000000000000000001");
    QTest::newRow("a letter") << QByteArray("since=1a");
    QTest::newRow("a sign") << QByteArray("since=+1&timeout=-1");
    QTest::newRow("another key first") << QByteArray("timeout=30&since=2");
    QTest::newRow("longer and shorter keys") << QByteArray("sincex=1&xsince=2&sinc=3");
    QTest::newRow("an equals sign in the value") << QByteArray("since=1=2");
    QTest::newRow("keys are case-sensitive") << QByteArray("Since=1&TIMEOUT=2");
    QTest::newRow("only an equals sign") << QByteArray("=&since&=5");
    QTest::newRow("delimiters") << QByteArray("since={1}&timeout=|2|&lastEventId=a;b");
}

// The fast path reads `since` and `timeout` from the raw bytes; for any target it takes (no
// percent-encoding) the answers must be QUrlQuery's.
void TestRequestInfo::plainQueryReadsAsQUrlQuery() {
    QFETCH(QByteArray, raw);
    const QueryItems plain = QueryItems::plain(raw);
    const QUrlQuery reference(QString::fromLatin1(raw));
    for (const QLatin1StringView key : {QLatin1StringView("since"), QLatin1StringView("timeout"),
                                        QLatin1StringView("lastEventId")}) {
        QCOMPARE(plain.has(key), reference.hasQueryItem(key));
        QCOMPARE(plain.unsignedValue(key),
                 QueryItems::parseUnsigned(reference.queryItemValue(key)));
        QCOMPARE(plain.value(key), reference.queryItemValue(key));
    }
    QCOMPARE(plain.toString(), reference.query());

    // And the fast path gives its request exactly these items.
    qsizetype length = 0;
    const QByteArray request = "GET /api/messages?" + raw + " HTTP/1.1\r\nHost: x\r\n\r\n";
    const auto info = RequestInfo::fromSimpleGet(request, paths, &length);
    QVERIFY(info);
    QCOMPARE(info->query.unsignedValue(QLatin1StringView("since")),
             plain.unsignedValue(QLatin1StringView("since")));
}

QTEST_GUILESS_MAIN(TestRequestInfo)
#include "tst_requestinfo.moc"
