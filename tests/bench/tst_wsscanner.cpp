// WsScanner, the bench's reader of a WebSocket server's frames, and clientFrame, its masked
// writer: messages, pings and the close as RFC 6455 frames them, at every split.
#include <wsscanner.h>

#include <QtTest/QTest>

#include <string>
#include <vector>

using PushLab::Bench::WsScanner;

namespace {

std::string serverFrame(int firstByte, const std::string &payload) {
    std::string out(1, char(firstByte));
    if (payload.size() < 126) {
        out += char(payload.size());
    } else {
        out += char(126);
        out += char(payload.size() >> 8);
        out += char(payload.size() & 0xFF);
    }
    return out + payload;
}

// What the scanner reports, one string per event; "error" when feed refused the bytes.
QByteArrayList scan(const std::string &bytes, std::size_t step) {
    QByteArrayList seen;
    WsScanner scanner;
    const auto text = [](std::string_view p) {
        return QByteArray(p.data(), qsizetype(p.size()));
    };
    scanner.setHandlers([&](std::string_view p) { seen << "message " + text(p); },
                        [&](std::string_view p) { seen << "ping " + text(p); },
                        [&](int code) { seen << "close " + QByteArray::number(code); });
    for (std::size_t i = 0; i < bytes.size(); i += step) {
        if (!scanner.feed(std::string_view(bytes).substr(i, step))) {
            seen << "error";
            break;
        }
    }
    return seen;
}

} // namespace

class TestWsScanner : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void frames_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QByteArrayList>("expected");
        const auto b = [](const std::string &s) {
            return QByteArray::fromStdString(s);
        };
        QTest::newRow("a text message")
            << b(serverFrame(0x81, "hello")) << QByteArrayList{"message hello"};
        QTest::newRow("300 bytes (16-bit length)")
            << b(serverFrame(0x81, std::string(300, 'x')))
            << QByteArrayList{"message " + QByteArray(300, 'x')};
        QTest::newRow("fragments joined, a ping between")
            << b(serverFrame(0x01, "ab") + serverFrame(0x89, "p") + serverFrame(0x80, "cd"))
            << QByteArrayList{"ping p", "message abcd"};
        QTest::newRow("a close with its code, then nothing")
            << b(serverFrame(0x88, std::string("\x03\xe9", 2)) + serverFrame(0x81, "late"))
            << QByteArrayList{"close 1001"};
        QTest::newRow("a close without a code")
            << b(serverFrame(0x88, "")) << QByteArrayList{"close 1005"};
        QTest::newRow("a masked server frame is an error")
            << b(std::string("\x81\x81\x00\x00\x00\x00x", 7)) << QByteArrayList{"error"};
        QTest::newRow("an unknown opcode is an error")
            << b(serverFrame(0x83, "x")) << QByteArrayList{"error"};
        QTest::newRow("a long ping is an error")
            << b(serverFrame(0x89, std::string(126, 'p'))) << QByteArrayList{"error"};
    }
    void frames() {
        QFETCH(QByteArray, bytes);
        QFETCH(QByteArrayList, expected);
        for (std::size_t step : {std::size_t(1), std::size_t(3), std::size_t(bytes.size())})
            QCOMPARE(scan(bytes.toStdString(), step), expected);
    }

    void clientFramesAreMasked() {
        const std::string f = PushLab::Bench::clientFrame(0xA, "abc", 0x01020304u);
        QCOMPARE(f.size(), std::size_t(2 + 4 + 3));
        QCOMPARE(quint8(f[0]), quint8(0x8A));     // FIN + pong
        QCOMPARE(quint8(f[1]), quint8(0x80 | 3)); // masked, 3 bytes
        QCOMPARE(f.substr(2, 4), std::string("\x01\x02\x03\x04", 4));
        QCOMPARE(char(f[6] ^ 0x01), 'a');
        QCOMPARE(char(f[8] ^ 0x03), 'c');
    }
};

QTEST_APPLESS_MAIN(TestWsScanner)
#include "tst_wsscanner.moc"
