#include <ssescanner.h>

#include <QtTest/QTest>

using PushLab::Bench::SseScanner;

class TestSseScanner : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void events_data() {
        QTest::addColumn<QByteArray>("stream");
        QTest::addColumn<QStringList>("events"); // "type|data"

        QTest::newRow("PushLab event")
            << QByteArray("retry: 2000\n\nid: 7\nevent: message\ndata: {\"id\":7}\n\n")
            << QStringList{QStringLiteral("message|{\"id\":7}")};
        QTest::newRow("Nchan event without type, CRLF")
            << QByteArray(": hi\r\nid: 1:0\r\ndata: plb-x-0\r\n\r\n")
            << QStringList{QStringLiteral("message|plb-x-0")};
        QTest::newRow("lone CR line ends")
            << QByteArray("data: a\rdata: b\r\r") << QStringList{QStringLiteral("message|a\nb")};
        QTest::newRow("heartbeat only") << QByteArray(": heartbeat\n\n") << QStringList{};
        QTest::newRow("gap then message")
            << QByteArray("event: gap\ndata: {}\n\ndata: m\n\n")
            << QStringList{QStringLiteral("gap|{}"), QStringLiteral("message|m")};
        QTest::newRow("no dispatch without blank line")
            << QByteArray("data: pending\n") << QStringList{};
        QTest::newRow("field without space")
            << QByteArray("data:x\n\n") << QStringList{QStringLiteral("message|x")};
    }

    void events() {
        QFETCH(QByteArray, stream);
        QFETCH(QStringList, events);
        // Every split must give the same events: reads arrive on arbitrary boundaries.
        for (int step = 1; step <= stream.size(); ++step) {
            QStringList seen;
            SseScanner scanner([&](std::string_view type, std::string_view data) {
                seen << QString::fromUtf8(type.data(), qsizetype(type.size())) + u'|' +
                            QString::fromUtf8(data.data(), qsizetype(data.size()));
            });
            for (int at = 0; at < stream.size(); at += step)
                QVERIFY(scanner.feed(std::string_view(
                    stream.constData() + at, size_t(qMin(step, int(stream.size()) - at)))));
            QCOMPARE(seen, events);
        }
    }

    void overlongLineIsAnError() {
        SseScanner scanner;
        const std::string line(SseScanner::maxLineLength + 1, 'x');
        QVERIFY(!scanner.feed(line));
    }
};

QTEST_APPLESS_MAIN(TestSseScanner)
#include "tst_ssescanner.moc"
