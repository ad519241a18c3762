// GET /api/ws on real loopback sockets: the handshake and its refusals, messages as text
// frames, resuming with since, what RFC 6455 says to do with bad frames, pings, a close from
// either side, a subscriber that stops reading, and Qt's own QWebSocket as an independent peer.

#include "dispatchermain.h"
#include "pushserver.h"
#include "rawhttp.h"
#include "testserver.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtTest/QtTest>
#include <QtWebSockets/QWebSocket>

#include <memory>

namespace {

constexpr char key[] = "dGhlIHNhbXBsZSBub25jZQ==";

struct Frame {
    int opcode = -1; // -1: none arrived
    QByteArray payload;
    quint16 closeCode() const {
        return payload.size() >= 2 ? quint16(quint8(payload[0]) << 8 | quint8(payload[1])) : 0;
    }
    QJsonObject json() const { return QJsonDocument::fromJson(payload).object(); }
};

// A WebSocket client on a raw socket: the handshake as bytes, frames masked by hand.
class RawWs {
public:
    explicit RawWs(quint16 port)
        : m_http(port) {}

    RawHttp &http() { return m_http; }

    // Sends the handshake; returns the response head (the 101, or an error with its body).
    RawResponse open(const QByteArray &target = "/api/ws", const QByteArray &extra = {}) {
        m_http.send("GET " + target +
                    " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    "Sec-WebSocket-Key: " +
                    key + "\r\nSec-WebSocket-Version: 13\r\n" + extra + "\r\n");
        const RawResponse r = m_http.read(5000, true);
        if (r.status != 101) { // an error answer has a body: read it too
            m_buffer = m_http.takeBuffer();
            RawResponse full = r;
            full.body = m_buffer.left(r.header("Content-Length").toInt());
            return full;
        }
        m_buffer = m_http.takeBuffer();
        return r;
    }

    void sendFrame(quint8 firstByte, const QByteArray &payload, bool masked = true) {
        QByteArray out;
        out.append(char(firstByte));
        const char maskBit = masked ? char(0x80) : char(0);
        const qsizetype n = payload.size();
        if (n < 126) {
            out.append(char(maskBit | char(n)));
        } else {
            out.append(char(maskBit | 126));
            out.append(char(n >> 8));
            out.append(char(n & 0xFF));
        }
        const char mask[4] = {'\x01', '\x02', '\x03', '\x04'};
        if (masked)
            out.append(mask, 4);
        for (qsizetype i = 0; i < n; ++i)
            out.append(masked ? char(payload[i] ^ mask[i & 3]) : payload[i]);
        m_http.send(out);
    }
    void sendRaw(const QByteArray &bytes) { m_http.send(bytes); }
    // Takes what has arrived into the frame buffer.
    void pump() { m_buffer += m_http.socket()->readAll(); }

    // The next frame the server sent (never masked, never fragmented by this server).
    Frame read(int timeoutMs = 5000) {
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < timeoutMs) {
            if (std::optional<Frame> f = take())
                return *f;
            QTcpSocket *socket = m_http.socket();
            if (socket->bytesAvailable() == 0) { // the event loop runs: the server is here too
                if (socket->state() != QAbstractSocket::ConnectedState)
                    break;
                QSignalSpy spy(socket, &QTcpSocket::readyRead);
                if (!spy.wait(qMax(1, timeoutMs - int(timer.elapsed()))) &&
                    socket->bytesAvailable() == 0)
                    break;
            }
            pump();
        }
        return {};
    }
    // The next frame that is not a ping.
    Frame readData(int timeoutMs = 5000) {
        Frame f;
        do
            f = read(timeoutMs);
        while (f.opcode == 0x9);
        return f;
    }
    bool masksNothing() const { return m_sawMasked == false; }
    bool waitForDisconnected(int ms = 5000) { return m_http.waitForDisconnected(ms); }

private:
    std::optional<Frame> take() {
        if (m_buffer.size() < 2)
            return std::nullopt;
        const quint8 b1 = quint8(m_buffer[1]);
        if (b1 & 0x80)
            m_sawMasked = true;
        qsizetype header = 2;
        quint64 n = b1 & 0x7F;
        if (n == 126) {
            if (m_buffer.size() < 4)
                return std::nullopt;
            n = quint8(m_buffer[2]) << 8 | quint8(m_buffer[3]);
            header = 4;
        } else if (n == 127) {
            if (m_buffer.size() < 10)
                return std::nullopt;
            n = 0;
            for (int i = 2; i < 10; ++i)
                n = n << 8 | quint8(m_buffer[i]);
            header = 10;
        }
        if (m_buffer.size() < header + qsizetype(n))
            return std::nullopt;
        Frame f;
        f.opcode = quint8(m_buffer[0]) & 0x0F;
        f.payload = m_buffer.mid(header, qsizetype(n));
        m_buffer.remove(0, header + qsizetype(n));
        return f;
    }

    RawHttp m_http;
    QByteArray m_buffer;
    bool m_sawMasked = false;
};

QJsonObject stats(quint16 port) {
    RawHttp http(port);
    http.get("/api/stats");
    return QJsonDocument::fromJson(http.read().body).object();
}

} // namespace

class TestWebSocket : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<PushServer> startServer(ServerConfig config = {}) {
        return PushLab::Test::startServer(std::move(config));
    }

private Q_SLOTS:
    void handshakeThenMessagesAsTextFrames() {
        auto server = startServer();
        RawWs ws(server->port());
        const RawResponse r = ws.open();
        QCOMPARE(r.status, 101);
        QCOMPARE(r.header("Sec-WebSocket-Accept"),
                 QByteArray("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")); // RFC 6455 §1.3
        QCOMPARE(r.header("Upgrade").toLower(), QByteArray("websocket"));
        QVERIFY(r.header("X-Heartbeat-Interval").toInt() > 0);
        const Message m = server->publish(QStringLiteral("<b>hi</b> ☃"));
        const Frame f = ws.readData();
        QCOMPARE(f.opcode, 0x1);
        QCOMPARE(f.json().value(u"id").toInteger(), qint64(m.id));
        QCOMPARE(f.json().value(u"text").toString(), QStringLiteral("<b>hi</b> ☃"));
        QCOMPARE(f.json().value(u"publishedAt").toInteger(), m.publishedAtUs);
        QVERIFY(ws.masksNothing()); // a server never masks (§5.1)
        const QJsonObject lane =
            stats(server->port()).value(u"patterns").toObject().value(u"ws").toObject();
        QCOMPARE(lane.value(u"open").toInt(), 1);
        QCOMPARE(lane.value(u"requests").toInt(), 1);
        QCOMPARE(lane.value(u"delivered").toInt(), 1);
        QVERIFY(lane.value(u"bytesOut").toInt() > f.payload.size());
    }

    void handshakeRefusals_data() {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("extraHeader"); // name: value the answer must carry
        const QByteArray good =
            QByteArray("Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ") + key +
            "\r\nSec-WebSocket-Version: 13\r\n";
        QTest::newRow("plain GET: 426")
            << QByteArray("GET /api/ws HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n") << 426
            << QByteArray("Upgrade: websocket");
        QTest::newRow("version 8: 426 naming 13")
            << QByteArray("GET /api/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                          "Connection: Upgrade\r\nSec-WebSocket-Key: ") +
                   key + "\r\nSec-WebSocket-Version: 8\r\n\r\n"
            << 426 << QByteArray("Sec-WebSocket-Version: 13");
        QTest::newRow("bad key")
            << QByteArray("GET /api/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                          "Connection: Upgrade\r\nSec-WebSocket-Key: short\r\n"
                          "Sec-WebSocket-Version: 13\r\n\r\n")
            << 400 << QByteArray();
        QTest::newRow("no Connection: Upgrade")
            << QByteArray("GET /api/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                          "Sec-WebSocket-Key: ") +
                   key + "\r\nSec-WebSocket-Version: 13\r\n\r\n"
            << 400 << QByteArray();
        QTest::newRow("Upgrade: h2c") << QByteArray("GET /api/ws HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                                    "Upgrade: h2c\r\nConnection: Upgrade\r\n\r\n")
                                      << 400 << QByteArray();
        QTest::newRow("HTTP/1.0") << "GET /api/ws HTTP/1.0\r\nHost: 127.0.0.1\r\n" + good + "\r\n"
                                  << 400 << QByteArray();
        QTest::newRow("another origin: 403")
            << "GET /api/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://evil.example\r\n" + good +
                   "\r\n"
            << 403 << QByteArray();
        QTest::newRow("another host: 403")
            << "GET /api/ws HTTP/1.1\r\nHost: evil.example\r\n" + good + "\r\n"
            << 403 << QByteArray();
        QTest::newRow("since not a number")
            << "GET /api/ws?since=abc HTTP/1.1\r\nHost: 127.0.0.1\r\n" + good + "\r\n"
            << 400 << QByteArray();
        QTest::newRow("POST") << "POST /api/ws HTTP/1.1\r\nHost: 127.0.0.1\r\n" + good + "\r\n"
                              << 405 << QByteArray("Allow: GET, OPTIONS");
        QTest::newRow("with a body")
            << "GET /api/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n" + good + "\r\nhi"
            << 400 << QByteArray();
    }
    void handshakeRefusals() {
        QFETCH(QByteArray, request);
        QFETCH(int, status);
        QFETCH(QByteArray, extraHeader);
        auto server = startServer();
        RawHttp http(server->port());
        http.send(request);
        const RawResponse r = http.read();
        QCOMPARE(r.status, status);
        QVERIFY2(QJsonDocument::fromJson(r.body).object().contains(u"error"), r.body.constData());
        if (!extraHeader.isEmpty()) {
            const qsizetype colon = extraHeader.indexOf(':');
            QCOMPARE(r.header(extraHeader.left(colon)), extraHeader.mid(colon + 2));
        }
        if (request.contains("Upgrade:")) // an upgrade refused: nothing after it is HTTP
            QVERIFY(http.waitForDisconnected());
    }

    void anUpgradeNeverJumpsAPipelinedRequest() {
        // GET /api/messages, then the upgrade, in one packet. The fast path answers the first
        // and then upgrades; QHttpServer's path cannot give the upgrade's bytes back once it
        // holds the first request, so it refuses the upgrade and closes. Never a 101 first.
        auto server = startServer();
        RawHttp http(server->port());
        http.send(QByteArray("GET /api/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                             "GET /api/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                             "Connection: Upgrade\r\nSec-WebSocket-Key: ") +
                  key + "\r\nSec-WebSocket-Version: 13\r\n\r\n");
        const RawResponse first = http.read();
        if (PushLab::Test::onEpoll()) {
            QCOMPARE(first.status, 200);
            QCOMPARE(http.read(5000, true).status, 101);
        } else {
            QCOMPARE(first.status, 400);
            QVERIFY(http.waitForDisconnected());
        }
    }

    void sameOriginIsAllowed() {
        auto server = startServer();
        RawWs ws(server->port());
        QCOMPARE(ws.open("/api/ws", "Origin: http://127.0.0.1\r\n").status, 101); // Host: 127.0.0.1
    }

    void sinceReplaysWhatWasMissed() {
        auto server = startServer();
        for (int i = 1; i <= 5; ++i)
            server->publish(QStringLiteral("m%1").arg(i));
        const quint64 last = server->log().lastId();
        RawWs ws(server->port());
        QCOMPARE(ws.open("/api/ws?since=" + QByteArray::number(last - 2)).status, 101);
        QCOMPARE(ws.readData().json().value(u"text").toString(), QStringLiteral("m4"));
        QCOMPARE(ws.readData().json().value(u"text").toString(), QStringLiteral("m5"));
        server->publish(QStringLiteral("m6"));
        QCOMPARE(ws.readData().json().value(u"text").toString(), QStringLiteral("m6"));
    }

    void sinceOlderThanTheHistoryGetsAGapNotice() {
        ServerConfig config;
        config.historySize = 3;
        auto server = startServer(config);
        const quint64 first = server->publish(QStringLiteral("a")).id;
        for (int i = 0; i < 5; ++i)
            server->publish(QStringLiteral("b%1").arg(i));
        RawWs ws(server->port());
        QCOMPARE(ws.open("/api/ws?since=" + QByteArray::number(first)).status, 101);
        const QJsonObject gap = ws.readData().json().value(u"gap").toObject();
        QCOMPARE(gap.value(u"lastSeenId").toInteger(), qint64(first));
        QCOMPARE(gap.value(u"firstAvailableId").toInteger(), qint64(server->log().lastId() - 2));
        QCOMPARE(gap.value(u"reason").toString(), QStringLiteral("evicted"));
        QCOMPARE(ws.readData().json().value(u"text").toString(), QStringLiteral("b2"));
    }

    void badFramesAreClosedAsRfc6455Says_data() {
        QTest::addColumn<QByteArray>("frame"); // already encoded (see masked below)
        QTest::addColumn<bool>("masked");
        QTest::addColumn<int>("firstByte");
        QTest::addColumn<int>("closeCode");
        QTest::newRow("unmasked") << QByteArray("x") << false << 0x81 << 1002;
        QTest::newRow("bad opcode") << QByteArray("x") << true << 0x83 << 1002;
        QTest::newRow("reserved bit") << QByteArray("x") << true << 0xC1 << 1002;
        QTest::newRow("invalid UTF-8") << QByteArray("\xc3\x28") << true << 0x81 << 1007;
        QTest::newRow("oversized") << QByteArray(65 * 1024, 'a') << true << 0x82 << 1009;
        QTest::newRow("close") << QByteArray("\x03\xe8", 2) << true << 0x88 << 1000;
    }
    void badFramesAreClosedAsRfc6455Says() {
        QFETCH(QByteArray, frame);
        QFETCH(bool, masked);
        QFETCH(int, firstByte);
        QFETCH(int, closeCode);
        auto server = startServer();
        RawWs ws(server->port());
        QCOMPARE(ws.open().status, 101);
        if (frame.size() > 0xFFFF) { // a 64-bit length: sent by hand
            QByteArray out;
            out.append(char(firstByte));
            out.append(char(0x80 | 127));
            for (int shift = 56; shift >= 0; shift -= 8)
                out.append(char((quint64(frame.size()) >> shift) & 0xFF));
            out.append("\0\0\0\0", 4);
            ws.sendRaw(out + frame);
        } else {
            ws.sendFrame(quint8(firstByte), frame, masked);
        }
        const Frame f = ws.readData();
        QCOMPARE(f.opcode, 0x8);
        QCOMPARE(int(f.closeCode()), closeCode);
        QVERIFY(ws.waitForDisconnected());        // and the server ends the TCP connection
        server->publish(QStringLiteral("after")); // nothing is written to it any more
        QTRY_COMPARE(server->connectionCount(), 0);
    }

    void aCloseInTheMiddleOfAMessageIsEchoed() {
        auto server = startServer();
        RawWs ws(server->port());
        QCOMPARE(ws.open().status, 101);
        ws.sendFrame(0x01, "first half");                       // a text message, not finished
        ws.sendFrame(0x88, QByteArray("\x0f\xa0", 2) + "done"); // close 4000
        const Frame f = ws.readData();
        QCOMPARE(f.opcode, 0x8);
        QCOMPARE(int(f.closeCode()), 4000);
        QVERIFY(ws.waitForDisconnected());
    }

    void pingIsAnsweredWithItsPayload() {
        auto server = startServer();
        RawWs ws(server->port());
        QCOMPARE(ws.open().status, 101);
        ws.sendFrame(0x89, "are you there");
        const Frame f = ws.read();
        QCOMPARE(f.opcode, 0xA);
        QCOMPARE(f.payload, QByteArray("are you there"));
    }

    void serverPingsAndDropsAPeerThatNeverAnswers() {
        ServerConfig config;
        config.heartbeatMs = 150;
        auto server = startServer(config);
        RawWs silent(server->port());
        QCOMPARE(silent.open().status, 101);
        QCOMPARE(silent.read().opcode, 0x9); // a ping
        // Three intervals without a byte back: gone.
        QVERIFY(silent.waitForDisconnected(5000));
        // One that answers stays.
        RawWs alive(server->port());
        QCOMPARE(alive.open().status, 101);
        for (int i = 0; i < 6; ++i) {
            const Frame ping = alive.read();
            QCOMPARE(ping.opcode, 0x9);
            alive.sendFrame(0x8A, ping.payload);
        }
        QCOMPARE(alive.http().connected(), true);
    }

    void serverCloseLetsAClientResumeWithNothingLost() {
        auto server = startServer();
        RawWs ws(server->port());
        QCOMPARE(ws.open().status, 101);
        const quint64 seen = server->publish(QStringLiteral("before")).id;
        QCOMPARE(ws.readData().json().value(u"id").toInteger(), qint64(seen));
        QCOMPARE(server->closeStreams(), 1);
        const Frame close = ws.readData();
        QCOMPARE(close.opcode, 0x8);
        QCOMPARE(int(close.closeCode()), 1001);
        QVERIFY(ws.waitForDisconnected());
        server->publish(QStringLiteral("while away 1"));
        server->publish(QStringLiteral("while away 2"));
        RawWs again(server->port());
        QCOMPARE(again.open("/api/ws?since=" + QByteArray::number(seen)).status, 101);
        QCOMPARE(again.readData().json().value(u"text").toString(), QStringLiteral("while away 1"));
        QCOMPARE(again.readData().json().value(u"text").toString(), QStringLiteral("while away 2"));
    }

    void aSubscriberThatStopsReadingIsDropped() {
        ServerConfig config;
        config.maxUnsentBytes = 256 * 1024;
        auto server = startServer(config);
        RawWs reader(server->port());
        QCOMPARE(reader.open().status, 101);
        RawWs stalled(server->port());
        QCOMPARE(stalled.open().status, 101);
        stalled.http().socket()->setReadBufferSize(1); // stops reading: the kernel buffers fill up
        const QString big(60 * 1024, u'x');
        for (int i = 0; i < 400 && server->connectionCount() == 2; ++i) {
            server->publish(big);
            QCoreApplication::processEvents(); // lets the reader drain
            reader.pump();
        }
        QTRY_COMPARE(server->connectionCount(), 1);
        // The one that reads got every message, in order.
        const quint64 last = server->log().lastId();
        quint64 expected = server->log().lastId() - quint64(server->log().publishedCount()) + 1;
        while (expected <= last) {
            const Frame f = reader.readData();
            QCOMPARE(f.opcode, 0x1);
            QCOMPARE(quint64(f.json().value(u"id").toInteger()), expected++);
        }
    }

    void qtWebSocketReceivesRapidPublishesOnceInOrder() {
        auto server = startServer();
        QWebSocket client;
        QList<QJsonObject> received;
        connect(&client, &QWebSocket::textMessageReceived, this, [&](const QString &text) {
            received.append(QJsonDocument::fromJson(text.toUtf8()).object());
        });
        client.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/api/ws").arg(server->port())));
        QTRY_COMPARE(client.state(), QAbstractSocket::ConnectedState);
        QTRY_COMPARE(server->connectionCount(), 1);
        const quint64 first = server->log().lastId() + 1;
        for (int i = 0; i < 1000; ++i)
            server->publish(QStringLiteral("rapid %1").arg(i));
        QTRY_COMPARE_WITH_TIMEOUT(received.size(), 1000, 20000);
        for (int i = 0; i < 1000; ++i)
            QCOMPARE(received[i].value(u"id").toInteger(), qint64(first + quint64(i)));
        client.close();
        QTRY_COMPARE(server->connectionCount(), 0);
    }
};

PUSHLAB_DISPATCHER_TEST_MAIN(TestWebSocket)
#include "tst_websocket.moc"
