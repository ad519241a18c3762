#include <httpresponseparser.h>

#include <QtTest/QTest>

#include <string>
#include <vector>

using PushLab::Bench::HttpResponseParser;

namespace {

struct Seen {
    std::vector<int> statuses;
    std::vector<std::string> bodies;
    int completed = 0;
    std::string lastModified;
    std::string etag;
    bool close = false;
};

// Feeds `wire` in pieces of `step` bytes (0: all at once).
bool feedAll(HttpResponseParser &parser, const std::string &wire, int step, Seen &seen) {
    parser.setHandlers(
        [&](const HttpResponseParser::Head &h) {
            seen.statuses.push_back(h.status);
            seen.bodies.emplace_back();
            seen.lastModified = h.lastModified;
            seen.etag = h.etag;
            seen.close = h.connectionClose;
        },
        [&](std::string_view d) { seen.bodies.back().append(d); }, [&]() { ++seen.completed; });
    const std::size_t n = step <= 0 ? wire.size() : static_cast<std::size_t>(step);
    for (std::size_t at = 0; at < wire.size(); at += n) {
        if (!parser.feed(std::string_view(wire).substr(at, n)))
            return false;
    }
    return true;
}

} // namespace

class TestHttpResponseParser : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void responses_data() {
        QTest::addColumn<QByteArray>("wire");
        QTest::addColumn<int>("step");
        QTest::addColumn<QList<int>>("statuses");
        QTest::addColumn<QByteArray>("lastBody");
        QTest::addColumn<int>("completed");

        const QByteArray json =
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n"
            "{\"lastId\":42}";
        QTest::newRow("content-length whole")
            << json << 0 << QList<int>{200} << QByteArray("{\"lastId\":42}") << 1;
        QTest::newRow("content-length byte by byte")
            << json << 1 << QList<int>{200} << QByteArray("{\"lastId\":42}") << 1;
        QTest::newRow("two keep-alive answers in one read")
            << json + "HTTP/1.1 204 No Content\r\n\r\n"
            << 0 << QList<int>{200, 204} << QByteArray() << 2;
        QTest::newRow("chunked split every 3 bytes")
            << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                          "5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\n\r\n")
            << 3 << QList<int>{200} << QByteArray("hello, world") << 1;
        QTest::newRow("chunked with trailer")
            << QByteArray("HTTP/1.1 200 OK\r\ntransfer-encoding: Chunked\r\n\r\n"
                          "2\r\nok\r\n0\r\nX-Trailer: 1\r\n\r\n")
            << 0 << QList<int>{200} << QByteArray("ok") << 1;
        QTest::newRow("304 has no body even with a length")
            << QByteArray("HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n") << 0
            << QList<int>{304} << QByteArray() << 1;
        QTest::newRow("100 continue then the answer")
            << QByteArray("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: "
                          "2\r\n\r\n{}")
            << 0 << QList<int>{201} << QByteArray("{}") << 1;
        QTest::newRow("LF-only line ends") << QByteArray("HTTP/1.1 200 OK\nContent-Length: 2\n\nhi")
                                           << 0 << QList<int>{200} << QByteArray("hi") << 1;
        QTest::newRow("101: what follows is the new protocol's, as body")
            << QByteArray("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n"
                          "\x81\x02hi\x81\x05HTTP/")
            << 5 << QList<int>{101} << QByteArray("\x81\x02hi\x81\x05HTTP/") << 0;
        QTest::newRow("stream without framing is still open")
            << QByteArray("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\nretry: "
                          "2000\n\n")
            << 7 << QList<int>{200} << QByteArray("retry: 2000\n\n") << 0;
    }

    void responses() {
        QFETCH(QByteArray, wire);
        QFETCH(int, step);
        QFETCH(QList<int>, statuses);
        QFETCH(QByteArray, lastBody);
        QFETCH(int, completed);

        HttpResponseParser parser;
        Seen seen;
        QVERIFY(feedAll(parser, wire.toStdString(), step, seen));
        QCOMPARE(QList<int>(seen.statuses.begin(), seen.statuses.end()), statuses);
        QCOMPARE(QByteArray::fromStdString(seen.bodies.back()), lastBody);
        QCOMPARE(seen.completed, completed);
    }

    void streamEndsWhenThePeerCloses() {
        HttpResponseParser parser;
        Seen seen;
        QVERIFY(feedAll(parser, "HTTP/1.1 200 OK\r\n\r\ndata: x\n\n", 0, seen));
        QCOMPARE(seen.completed, 0);
        QVERIFY(parser.finish());
        QCOMPARE(seen.completed, 1);
    }

    void truncatedAnswerIsReportedAtClose() {
        HttpResponseParser parser;
        Seen seen;
        QVERIFY(feedAll(parser, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 0, seen));
        QVERIFY(!parser.finish());
        QCOMPARE(seen.completed, 0);
    }

    void cursorHeadersAreKept() {
        HttpResponseParser parser;
        Seen seen;
        QVERIFY(feedAll(parser,
                        "HTTP/1.1 200 OK\r\nLast-Modified: Sat, 28 Nov 2026 00:00:00 GMT\r\n"
                        "Etag: 0\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
                        5, seen));
        QCOMPARE(seen.lastModified, std::string("Sat, 28 Nov 2026 00:00:00 GMT"));
        QCOMPARE(seen.etag, std::string("0"));
        QVERIFY(seen.close);
    }

    void malformed_data() {
        QTest::addColumn<QByteArray>("wire");
        QTest::newRow("not http") << QByteArray("SSH-2.0-OpenSSH\r\n");
        QTest::newRow("bad status") << QByteArray("HTTP/1.1 2x0 OK\r\n");
        QTest::newRow("header without colon") << QByteArray("HTTP/1.1 200 OK\r\nbroken\r\n");
        QTest::newRow("bad chunk size")
            << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
        QTest::newRow("chunk without CRLF")
            << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab");
        QTest::newRow("endless header line")
            << QByteArray("HTTP/1.1 200 OK\r\nX: ") + QByteArray(20000, 'a');
    }

    void malformed() {
        QFETCH(QByteArray, wire);
        HttpResponseParser parser;
        Seen seen;
        QVERIFY(!feedAll(parser, wire.toStdString(), 0, seen));
    }
};

QTEST_APPLESS_MAIN(TestHttpResponseParser)
#include "tst_httpresponseparser.moc"
