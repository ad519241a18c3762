// The network lab's buffering proxy: a response passes whole when it ends, a stream is held
// until the buffer fills, an upgraded connection passes, however the bytes are split.
#include "linkproxybuffer.h"

#include <QtTest/QTest>

class tst_LinkProxyBuffer final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void responses_data();
    void responses();
    void aStreamIsHeldUntilTheBufferFills();
};

namespace {

const QByteArray pollAnswer = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                              "Content-Length: 14\r\n\r\n{\"messages\":[]";
const QByteArray sseHead = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                           "X-Accel-Buffering: no\r\n\r\nretry: 2000\n\n";

} // namespace

void tst_LinkProxyBuffer::responses_data() {
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArray>("passedBeforeClose"); // what the client sees while connected
    QTest::newRow("a poll answer passes once complete") << pollAnswer << pollAnswer;
    QTest::newRow("two pipelined answers") << pollAnswer + pollAnswer << pollAnswer + pollAnswer;
    QTest::newRow("an incomplete body is held")
        << pollAnswer.left(pollAnswer.size() - 3) << QByteArray();
    QTest::newRow("a 204 has no body") << QByteArray("HTTP/1.1 204 No Content\r\n\r\n")
                                       << QByteArray("HTTP/1.1 204 No Content\r\n\r\n");
    QTest::newRow("an interim 100 goes with its final answer")
        << "HTTP/1.1 100 Continue\r\n\r\n" + pollAnswer
        << "HTTP/1.1 100 Continue\r\n\r\n" + pollAnswer;
    const QByteArray upgrade = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n";
    QTest::newRow("after a 101 every frame passes")
        << upgrade + "\x81\x02hi" << upgrade + "\x81\x02hi";
    QTest::newRow("a stream's head and first events are held") << sseHead + "data: x\n\n"
                                                               << QByteArray();
    QTest::newRow("an answer, then a held stream") << pollAnswer + sseHead << pollAnswer;
}

void tst_LinkProxyBuffer::responses() {
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, passedBeforeClose);
    // Whole, then a byte at a time: the verdict must not depend on how TCP split it.
    for (const int step : {int(input.size()), 1}) {
        LinkProxyBuffer proxy(4096);
        QByteArray passed;
        for (qsizetype i = 0; i < input.size(); i += step)
            passed += proxy.feed(input.mid(i, step)).bytes;
        QCOMPARE(passed, passedBeforeClose);
        // The server closes: nothing is lost.
        QCOMPARE(passed + proxy.flush(), input);
    }
}

void tst_LinkProxyBuffer::aStreamIsHeldUntilTheBufferFills() {
    LinkProxyBuffer proxy(4096);
    LinkProxyBuffer::Output first = proxy.feed(sseHead);
    QVERIFY(first.streamHeld);
    QVERIFY(first.bytes.isEmpty());
    QVERIFY(proxy.isHoldingStream());
    const QByteArray event = "data: {\"id\":1,\"text\":\"hello\"}\n\n";
    QByteArray passed;
    int fed = 0;
    while (passed.isEmpty()) {
        const LinkProxyBuffer::Output out = proxy.feed(event);
        QVERIFY(!out.streamHeld);
        ++fed;
        if (!out.bytes.isEmpty())
            QCOMPARE(out.releasedWhenFull, out.bytes.size());
        passed += out.bytes;
        QVERIFY(fed < 1000);
    }
    // Released when it held 4 KiB: the head and every event so far, at once.
    QCOMPARE(passed.size(), sseHead.size() + fed * event.size());
    QVERIFY(passed.size() >= 4096 && passed.size() < 4096 + event.size());
    QCOMPARE(proxy.held(), 0);
    // The buffer starts again: the next event is held too.
    QVERIFY(proxy.feed(event).bytes.isEmpty());
    QCOMPARE(proxy.held(), event.size());
}

QTEST_GUILESS_MAIN(tst_LinkProxyBuffer)
#include "tst_linkproxybuffer.moc"
