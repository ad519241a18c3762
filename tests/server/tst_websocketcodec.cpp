// WebSocketCodec without sockets: the frames the server sends, the handshake key, and the
// reader's verdict on what a client sends (RFC 6455 §5), at every split of the bytes.

#include "websocketcodec.h"

#include <QtTest/QTest>

using namespace WebSocketCodec;
using Kind = Reader::Event::Kind;

namespace {

// A client's frame: masked with a fixed key, as RFC 6455 §5.3 requires of clients.
// `claimedLength`: the length the header says, when it is not the payload's.
constexpr quint64 payloadLength = ~quint64(0);
QByteArray clientFrame(quint8 firstByte, const QByteArray &payload, bool masked = true,
                       quint64 claimedLength = payloadLength) {
    const quint64 n = claimedLength == payloadLength ? quint64(payload.size()) : claimedLength;
    QByteArray out;
    out.append(char(firstByte));
    const char maskBit = masked ? char(0x80) : char(0);
    if (n < 126) {
        out.append(char(maskBit | char(n)));
    } else if (n <= 0xFFFF) {
        out.append(char(maskBit | 126));
        out.append(char(n >> 8));
        out.append(char(n & 0xFF));
    } else {
        out.append(char(maskBit | 127));
        for (int shift = 56; shift >= 0; shift -= 8)
            out.append(char((n >> shift) & 0xFF));
    }
    const char key[4] = {'\x12', '\x34', '\x56', '\x78'};
    if (masked)
        out.append(key, 4);
    for (qsizetype i = 0; i < payload.size(); ++i)
        out.append(masked ? char(payload[i] ^ key[i & 3]) : payload[i]);
    return out;
}

QByteArray closePayload(quint16 code, const QByteArray &reason = {}) {
    QByteArray p;
    p.append(char(code >> 8));
    p.append(char(code & 0xFF));
    return p + reason;
}

struct Outcome {
    std::vector<Reader::Event> events;
    QString describe() const {
        QStringList parts;
        for (const auto &e : events) {
            switch (e.kind) {
            case Kind::Ping:
                parts << QStringLiteral("ping(%1)").arg(QString::fromLatin1(e.payload));
                break;
            case Kind::Pong:
                parts << QStringLiteral("pong");
                break;
            case Kind::Close:
                parts
                    << QStringLiteral("close(%1,%2)").arg(e.code).arg(QString::fromUtf8(e.payload));
                break;
            case Kind::Message:
                parts << QStringLiteral("message(%1)").arg(e.size);
                break;
            case Kind::Error:
                parts << QStringLiteral("error(%1)").arg(e.code);
                break;
            }
        }
        return parts.join(u' ');
    }
};

Outcome readAll(const QByteArray &bytes, qint64 maxMessage = 1024) {
    Reader reader(maxMessage);
    Outcome o;
    reader.feed(bytes, o.events);
    return o;
}

// The same bytes fed one at a time.
Outcome readByteByByte(const QByteArray &bytes, qint64 maxMessage = 1024) {
    Reader reader(maxMessage);
    Outcome o;
    for (qsizetype i = 0; i < bytes.size() && !reader.finished(); ++i)
        reader.feed(bytes.sliced(i, 1), o.events);
    return o;
}

} // namespace

class TestWebSocketCodec : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void acceptKeyIsTheRfcExample() {
        // RFC 6455 §1.3.
        QCOMPARE(acceptKey("dGhlIHNhbXBsZSBub25jZQ=="), QByteArray("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
        QVERIFY(isValidKey("dGhlIHNhbXBsZSBub25jZQ=="));
        QVERIFY(!isValidKey("dGhlIHNhbXBsZSBub25jZQ"));   // unpadded
        QVERIFY(!isValidKey("dGhlIHNhbXBsZSBub25jZXg=")); // 17 bytes
        QVERIFY(!isValidKey("dGhlIHNhbXBsZSBub25j*Q==")); // not base64
        QVERIFY(!isValidKey(""));
    }

    void tokensInHeaderLists() {
        QVERIFY(hasToken("keep-alive, Upgrade", "upgrade"));
        QVERIFY(hasToken("websocket", "WebSocket"));
        QVERIFY(!hasToken("upgraded", "upgrade"));
        QVERIFY(!hasToken("", "upgrade"));
    }

    void framesHaveTheShortestLength_data() {
        QTest::addColumn<int>("size");
        QTest::addColumn<int>("headerBytes");
        QTest::newRow("0") << 0 << 2;
        QTest::newRow("125") << 125 << 2;
        QTest::newRow("126") << 126 << 4;
        QTest::newRow("65535") << 65535 << 4;
        QTest::newRow("65536") << 65536 << 10;
    }
    void framesHaveTheShortestLength() {
        QFETCH(int, size);
        QFETCH(int, headerBytes);
        const QByteArray payload(size, 'x');
        const QByteArray f = text(payload);
        QCOMPARE(f.size(), size + headerBytes);
        QCOMPARE(quint8(f[0]), quint8(0x81)); // FIN + text, unmasked
        QVERIFY((quint8(f[1]) & 0x80) == 0);
        QCOMPARE(f.sliced(headerBytes), payload);
    }

    void closeFrameCarriesCodeAndAShortenedReason() {
        const QByteArray f = close(CloseCode::tooBig, QString(200, QChar(0x00E9))); // é: 2 bytes
        QCOMPARE(quint8(f[0]), quint8(0x88));
        QVERIFY(quint8(f[1]) <= 125);
        QCOMPARE(qsizetype(quint8(f[1])), f.size() - 2);
        QCOMPARE(quint8(f[2]) << 8 | quint8(f[3]), 1009);
        Utf8Validator reason;
        QVERIFY(reason.feed(f.sliced(4)) && reason.complete()); // cut at a character boundary
    }

    void utf8Validation_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<bool>("valid");
        QTest::newRow("ascii") << QByteArray("hello") << true;
        QTest::newRow("two, three, four bytes")
            << QByteArray("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80") << true;
        QTest::newRow("overlong /") << QByteArray("\xc0\xaf") << false;
        QTest::newRow("overlong three") << QByteArray("\xe0\x80\xaf") << false;
        QTest::newRow("surrogate") << QByteArray("\xed\xa0\x80") << false;
        QTest::newRow("past U+10FFFF") << QByteArray("\xf4\x90\x80\x80") << false;
        QTest::newRow("lone continuation") << QByteArray("\x80") << false;
        QTest::newRow("F5") << QByteArray("\xf5\x80\x80\x80") << false;
    }
    void utf8Validation() {
        QFETCH(QByteArray, bytes);
        QFETCH(bool, valid);
        Utf8Validator v;
        QCOMPARE(v.feed(bytes) && v.complete(), valid);
        // A byte at a time, the same verdict.
        Utf8Validator w;
        bool ok = true;
        for (const char ch : bytes)
            ok = ok && w.feed(QByteArrayView(&ch, 1));
        QCOMPARE(ok && w.complete(), valid);
    }

    void readsMessagesPingsAndClose_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("expected");
        QTest::newRow("text") << clientFrame(0x81, "hello") << "message(5)";
        QTest::newRow("empty binary") << clientFrame(0x82, {}) << "message(0)";
        QTest::newRow("ping, pong")
            << clientFrame(0x89, "abc") + clientFrame(0x8A, "abc") << "ping(abc) pong";
        QTest::newRow("fragments with a ping between, UTF-8 split across them")
            << clientFrame(0x01, "caf\xc3") + clientFrame(0x89, "p") + clientFrame(0x80, "\xa9!")
            << "ping(p) message(6)";
        QTest::newRow("126-byte length")
            << clientFrame(0x82, QByteArray(300, 'b')) << "message(300)";
        QTest::newRow("close with a code and reason")
            << clientFrame(0x88, closePayload(1000, "bye")) << "close(1000,bye)";
        QTest::newRow("close without a code") << clientFrame(0x88, {}) << "close(1005,)";
        QTest::newRow("a close in the middle of a message ends it")
            << clientFrame(0x01, "part") + clientFrame(0x88, closePayload(1001)) +
                   clientFrame(0x80, "ignored")
            << "close(1001,)";
        QTest::newRow("unmasked") << clientFrame(0x81, "x", false) << "error(1002)";
        QTest::newRow("reserved bit") << clientFrame(0xC1, "x") << "error(1002)";
        QTest::newRow("opcode 3") << clientFrame(0x83, "x") << "error(1002)";
        QTest::newRow("opcode 11") << clientFrame(0x8B, "x") << "error(1002)";
        QTest::newRow("continuation first") << clientFrame(0x80, "x") << "error(1002)";
        QTest::newRow("a new message inside one")
            << clientFrame(0x01, "a") + clientFrame(0x81, "b") << "error(1002)";
        QTest::newRow("fragmented ping") << clientFrame(0x09, "p") << "error(1002)";
        QTest::newRow("ping over 125 bytes")
            << clientFrame(0x89, QByteArray(126, 'p')) << "error(1002)";
        QTest::newRow("too big, refused from its header alone")
            << clientFrame(0x82, {}, true, 1 << 20) << "error(1009)";
        QTest::newRow("too big over fragments")
            << clientFrame(0x02, QByteArray(600, 'a')) + clientFrame(0x80, QByteArray(600, 'a'))
            << "error(1009)";
        QTest::newRow("length over 2^63")
            << clientFrame(0x82, {}, true, quint64(1) << 63) << "error(1002)";
        QTest::newRow("invalid UTF-8 text") << clientFrame(0x81, "\xff") << "error(1007)";
        QTest::newRow("text ends inside a character")
            << clientFrame(0x81, "\xe2\x82") << "error(1007)";
        QTest::newRow("binary is not UTF-8 checked") << clientFrame(0x82, "\xff") << "message(1)";
        QTest::newRow("close with one byte") << clientFrame(0x88, "\x03") << "error(1002)";
        QTest::newRow("close code 1005 sent")
            << clientFrame(0x88, closePayload(1005)) << "error(1002)";
        QTest::newRow("close code 999") << clientFrame(0x88, closePayload(999)) << "error(1002)";
        QTest::newRow("close code 2999") << clientFrame(0x88, closePayload(2999)) << "error(1002)";
        QTest::newRow("close code 4999") << clientFrame(0x88, closePayload(4999)) << "close(4999,)";
        QTest::newRow("close reason not UTF-8")
            << clientFrame(0x88, closePayload(1000, "\xc3")) << "error(1007)";
        QTest::newRow("nothing read after an error")
            << clientFrame(0x81, "x", false) + clientFrame(0x89, "p") << "error(1002)";
    }
    void readsMessagesPingsAndClose() {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expected);
        QCOMPARE(readAll(bytes).describe(), expected);
        QCOMPARE(readByteByByte(bytes).describe(), expected);
    }

    void tooBigIsRefusedBeforeThePayloadArrives() {
        // Only the header of a 1 MiB frame: the verdict comes at once, nothing is buffered.
        Reader reader(64 * 1024);
        std::vector<Reader::Event> events;
        reader.feed(clientFrame(0x82, {}, true, 1 << 20), events);
        QCOMPARE(events.size(), std::size_t(1));
        QCOMPARE(events[0].code, CloseCode::tooBig);
        QVERIFY(reader.finished());
    }
};

QTEST_APPLESS_MAIN(TestWebSocketCodec)
#include "tst_websocketcodec.moc"
