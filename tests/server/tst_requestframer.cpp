// RequestFramer: where requests end, and which framing is refused, however the bytes are split.
#include "requestframer.h"

#include <QtTest/QTest>

class TestRequestFramer final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void validStreamsPassAtEverySplit_data();
    void validStreamsPassAtEverySplit();
    void brokenFramingIsFoundAtEverySplit_data();
    void brokenFramingIsFoundAtEverySplit();
    void aHeadOverTheLimitIs431();
    void boundaryIsKnownMidRequest();
    void aWebSocketUpgradeEndsHttpAtEverySplit();
    void upgradesElsewhereOrWithABodyAreRefused_data();
    void upgradesElsewhereOrWithABodyAreRefused();
};

namespace {
// Feeds `bytes` in two parts split at `at`; the first problem, if any.
std::optional<RequestFramer::Problem> feedSplit(RequestFramer &f, const QByteArray &bytes,
                                                qsizetype at) {
    if (auto p = f.feed(QByteArrayView(bytes).first(at)))
        return p;
    return f.feed(QByteArrayView(bytes).sliced(at));
}
} // namespace

void TestRequestFramer::validStreamsPassAtEverySplit_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::newRow("one GET") << QByteArray("GET /api/messages?since=0 HTTP/1.1\r\nHost: x\r\n\r\n");
    QTest::newRow("pipelined GETs")
        << QByteArray("GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n");
    QTest::newRow("POST with a body")
        << QByteArray("POST /api/messages HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhelloGET "
                      "/ HTTP/1.1\r\n\r\n");
    QTest::newRow("chunked with extension and trailer")
        << QByteArray("POST /api/messages HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\n"
                      "5;name=value\r\nhello\r\n3\r\n!!!\r\n0\r\nX-Trailer: 1\r\n\r\n"
                      "GET / HTTP/1.1\r\n\r\n");
    QTest::newRow("empty lines before") << QByteArray("\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n");
    QTest::newRow("LF line ends") << QByteArray("GET / HTTP/1.1\nHost: x\n\n");
    QTest::newRow("HTTP/1.0") << QByteArray("GET / HTTP/1.0\r\n\r\n");
    QTest::newRow("OPTIONS *") << QByteArray("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n");
    QTest::newRow("percent-encoded") << QByteArray("GET /a%20b?x=%2F HTTP/1.1\r\n\r\n");
    QTest::newRow("tab in a value") << QByteArray("GET / HTTP/1.1\r\nUser-Agent: a\tb\r\n\r\n");
    QTest::newRow("CL 0") << QByteArray("GET / HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
}

void TestRequestFramer::validStreamsPassAtEverySplit() {
    QFETCH(QByteArray, bytes);
    for (qsizetype at = 0; at <= bytes.size(); ++at) {
        RequestFramer framer;
        const auto problem = feedSplit(framer, bytes, at);
        if (problem)
            QFAIL(qPrintable(QStringLiteral("split at %1: %2").arg(at).arg(problem->message)));
        QVERIFY2(framer.atBoundary(), qPrintable(QStringLiteral("split at %1").arg(at)));
    }
}

void TestRequestFramer::brokenFramingIsFoundAtEverySplit_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("status");
    const QByteArray post = "POST /api/messages HTTP/1.1\r\n";
    QTest::newRow("CL and TE") << post + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
                               << 400;
    QTest::newRow("two CL") << post + "Content-Length: 3\r\nContent-Length: 3\r\n\r\n" << 400;
    QTest::newRow("CL with a sign") << post + "Content-Length: +3\r\n\r\n" << 400;
    QTest::newRow("CL list") << post + "Content-Length: 3, 3\r\n\r\n" << 400;
    QTest::newRow("gzip") << post + "Transfer-Encoding: gzip, chunked\r\n\r\n" << 501;
    QTest::newRow("two TE")
        << post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"
        << 501;
    QTest::newRow("obs-fold") << post + "X: a\r\n\tb\r\n\r\n" << 400;
    QTest::newRow("bare CR") << QByteArray("GET / HTTP/1.1\r\nX: a\rb\r\n\r\n") << 400;
    QTest::newRow("two spaces") << QByteArray("GET  / HTTP/1.1\r\n\r\n") << 400;
    QTest::newRow("no version") << QByteArray("GET /\r\n\r\n") << 400;
    QTest::newRow("HTTP/1.2") << QByteArray("GET / HTTP/1.2\r\n\r\n") << 505;
    QTest::newRow("not a path") << QByteArray("GET api HTTP/1.1\r\n\r\n") << 400;
    QTest::newRow("unknown method") << QByteArray("BREW /pot HTTP/1.1\r\n\r\n") << 501;
    QTest::newRow("upgrade") << QByteArray("GET / HTTP/1.1\r\nUpgrade: h2c\r\n\r\n") << 501;
    QTest::newRow("chunk size too long") << post + "Transfer-Encoding: chunked\r\n\r\n123456789\r\n"
                                         << 400;
    QTest::newRow("second request broken")
        << QByteArray("GET / HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\nHost : x\r\n\r\n") << 400;
}

void TestRequestFramer::brokenFramingIsFoundAtEverySplit() {
    QFETCH(QByteArray, bytes);
    QFETCH(int, status);
    for (qsizetype at = 0; at <= bytes.size(); ++at) {
        RequestFramer framer;
        const auto problem = feedSplit(framer, bytes, at);
        QVERIFY2(problem, qPrintable(QStringLiteral("split at %1: not refused").arg(at)));
        QCOMPARE(problem->status, status);
        QVERIFY(!problem->message.isEmpty());
        QVERIFY(framer.feed("GET / HTTP/1.1\r\n\r\n")); // framing stays failed
    }
}

void TestRequestFramer::aHeadOverTheLimitIs431() {
    RequestFramer framer(64);
    const QByteArray head = "GET / HTTP/1.1\r\nX-Long: " + QByteArray(100, 'a');
    const auto problem = framer.feed(head);
    QVERIFY(problem);
    QCOMPARE(problem->status, 431);
}

void TestRequestFramer::boundaryIsKnownMidRequest() {
    RequestFramer framer;
    QVERIFY(framer.atBoundary());
    QVERIFY(!framer.feed("POST / HTTP/1.1\r\nContent-Length: 4\r\n\r\nab"));
    QVERIFY(!framer.atBoundary()); // two body bytes still to come: the fast path keeps off
    QVERIFY(!framer.feed("cd"));
    QVERIFY(framer.atBoundary());
    QVERIFY(!framer.feed("GET / HT"));
    QVERIFY(!framer.atBoundary());
}

QTEST_GUILESS_MAIN(TestRequestFramer)
#include "tst_requestframer.moc"

void TestRequestFramer::aWebSocketUpgradeEndsHttpAtEverySplit() {
    const QByteArray head = "GET /api/ws?since=3 HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                            "Connection: Upgrade\r\n\r\n";
    const QByteArray frames = "\x81\x85"
                              "abcd"
                              "12345"
                              "GET / HTTP/1.1\r\n\r\n"; // not HTTP now
    const QByteArray bytes = head + frames;
    for (qsizetype at = 0; at <= bytes.size(); ++at) {
        RequestFramer f;
        QVERIFY(!f.feed(QByteArrayView(bytes).first(at)));
        const bool headDone = at >= head.size();
        QCOMPARE(f.upgraded(), headDone);
        if (!headDone) {
            QVERIFY(!f.feed(QByteArrayView(bytes).sliced(at)));
            QVERIFY(f.upgraded());
        }
        QCOMPARE(f.upgradeHead(), head);
        // Of the bytes fed with the head's end, those after it are the WebSocket's.
        QCOMPARE(f.bytesAfterUpgradeHead(), headDone ? at - head.size() : frames.size());
        QVERIFY(!f.requestsPending());
        QVERIFY(!f.feed("more frames")); // taken as nothing
    }
}

void TestRequestFramer::upgradesElsewhereOrWithABodyAreRefused_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("status");
    QTest::newRow("on /api/events")
        << QByteArray("GET /api/events HTTP/1.1\r\nUpgrade: websocket\r\n\r\n") << 501;
    QTest::newRow("on /api/wsx") << QByteArray(
                                        "GET /api/wsx HTTP/1.1\r\nUpgrade: websocket\r\n\r\n")
                                 << 501;
    QTest::newRow("with Content-Length")
        << QByteArray("GET /api/ws HTTP/1.1\r\nUpgrade: websocket\r\nContent-Length: 1\r\n\r\nx")
        << 400;
    QTest::newRow("chunked")
        << QByteArray(
               "GET /api/ws HTTP/1.1\r\nUpgrade: websocket\r\nTransfer-Encoding: chunked\r\n\r\n")
        << 400;
}

void TestRequestFramer::upgradesElsewhereOrWithABodyAreRefused() {
    QFETCH(QByteArray, bytes);
    QFETCH(int, status);
    RequestFramer f;
    const auto p = f.feed(bytes);
    QVERIFY(p);
    QCOMPARE(p->status, status);
    QVERIFY(!f.upgraded());
}
