#include "eventstreamparser.h"

#include <QtTest/QTest>

// Each event as {type, data, lastEventId}: easy to write in rows and to read in failures.
using Events = QList<QStringList>;

namespace {

Events toRows(const QList<ServerSentEvent> &events) {
    Events rows;
    for (const ServerSentEvent &e : events)
        rows.append(QStringList{e.type, e.data, e.lastEventId});
    return rows;
}

QStringList ev(const QString &type, const QString &data, const QString &id = {}) {
    return QStringList{type, data, id};
}

QStringList msg(const QString &data, const QString &id = {}) {
    return ev(QStringLiteral("message"), data, id);
}

} // namespace

class tst_EventStreamParser : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void rules_data();
    void rules();
    void everySplitGivesTheSameEvents_data();
    void everySplitGivesTheSameEvents();
    void retry_data();
    void retry();
    void bytesAreChargedToEvents();
    void lastEventIdSurvivesARestart();
    void bomOnlyAtTheStartOfAStream();
    void oversizedEventStopsTheParser();
    void commentsAreCounted();
};

void tst_EventStreamParser::rules_data() {
    QTest::addColumn<QByteArray>("stream");
    QTest::addColumn<Events>("expected");

    QTest::newRow("one event, LF") << QByteArray("data: hello\n\n") << Events{msg(u"hello"_qs)};
    QTest::newRow("CRLF line ends")
        << QByteArray("data: hello\r\n\r\n") << Events{msg(u"hello"_qs)};
    QTest::newRow("CR-only line ends") << QByteArray("data: hello\r\r") << Events{msg(u"hello"_qs)};
    QTest::newRow("mixed line ends")
        << QByteArray("data: a\rdata: b\r\ndata: c\n\r\n") << Events{msg(u"a\nb\nc"_qs)};
    QTest::newRow("CR LF is one line end, CR CR is two")
        << QByteArray("data: a\r\n\r\rdata: b\r\r") << Events{msg(u"a"_qs), msg(u"b"_qs)};
    QTest::newRow("leading BOM stripped") << QByteArray("\xEF\xBB\xBF"
                                                        "data: x\n\n")
                                          << Events{msg(u"x"_qs)};
    QTest::newRow("BOM before a field makes it unknown only once")
        << QByteArray("\xEF\xBB\xBF\xEF\xBB\xBF"
                      "data: x\n\ndata: y\n\n")
        << Events{msg(u"y"_qs)};
    QTest::newRow("comment ignored")
        << QByteArray(": heartbeat\n\ndata: x\n: mid\n\n") << Events{msg(u"x"_qs)};
    QTest::newRow("only one leading space removed")
        << QByteArray("data:  two\n\n") << Events{msg(u" two"_qs)};
    QTest::newRow("no space after colon") << QByteArray("data:x\n\n") << Events{msg(u"x"_qs)};
    QTest::newRow("split at the first colon only")
        << QByteArray("data: a: b:c\n\n") << Events{msg(u"a: b:c"_qs)};
    QTest::newRow("field without colon has empty value")
        << QByteArray("data\ndata\ndata: x\n\n") << Events{msg(u"\n\nx"_qs)};
    QTest::newRow("data lines joined with LF, last LF stripped")
        << QByteArray("data: a\ndata: b\n\n") << Events{msg(u"a\nb"_qs)};
    QTest::newRow("an empty data line dispatches an empty string")
        << QByteArray("data\n\n") << Events{msg(QString())};
    QTest::newRow("event type") << QByteArray("event: gap\ndata: {}\n\n")
                                << Events{ev(u"gap"_qs, u"{}"_qs)};
    QTest::newRow("event type resets after dispatch")
        << QByteArray("event: a\ndata: 1\n\ndata: 2\n\n")
        << Events{ev(u"a"_qs, u"1"_qs), msg(u"2"_qs)};
    QTest::newRow("empty event type means message")
        << QByteArray("event\ndata: 1\n\n") << Events{msg(u"1"_qs)};
    QTest::newRow("event without data is not dispatched")
        << QByteArray("event: a\n\ndata: 2\n\n") << Events{msg(u"2"_qs)};
    QTest::newRow("id kept across events") << QByteArray("id: 7\ndata: a\n\ndata: b\n\n")
                                           << Events{msg(u"a"_qs, u"7"_qs), msg(u"b"_qs, u"7"_qs)};
    QTest::newRow("id with NUL ignored")
        << QByteArray("id: 1\ndata: a\n\nid: 2\0x\ndata: b\n\n", 32)
        << Events{msg(u"a"_qs, u"1"_qs), msg(u"b"_qs, u"1"_qs)};
    QTest::newRow("empty id resets the last id")
        << QByteArray("id: 1\ndata: a\n\nid\ndata: b\n\n")
        << Events{msg(u"a"_qs, u"1"_qs), msg(u"b"_qs, QString())};
    QTest::newRow("id on an event without data still takes effect")
        << QByteArray("id: 5\n\ndata: b\n\n") << Events{msg(u"b"_qs, u"5"_qs)};
    QTest::newRow("unknown fields ignored")
        << QByteArray("foo: bar\nDATA: no\ndata: yes\n\n") << Events{msg(u"yes"_qs)};
    QTest::newRow("unterminated event discarded")
        << QByteArray("data: a\n\ndata: b\n") << Events{msg(u"a"_qs)};
    QTest::newRow("unterminated line discarded")
        << QByteArray("data: a\n\ndata: b") << Events{msg(u"a"_qs)};
    QTest::newRow("UTF-8 decoded") << QByteArray("data: gr\xC3\xBC\xC3\x9F"
                                                 "e \xE2\x82\xAC\n\n")
                                   << Events{msg(QStringLiteral("grüße €"))};
    QTest::newRow("invalid UTF-8 becomes U+FFFD") << QByteArray("data: a\xFF"
                                                                "b\n\n")
                                                  << Events{msg(QStringLiteral("a\uFFFDb"))};
    // WHATWG UTF-8 decoding: one U+FFFD per maximal subpart, wherever the feeds split the bytes.
    QTest::newRow("truncated four-byte sequence then ASCII is one U+FFFD")
        << QByteArray("data: \xF0\x9F\x98"
                      "A\n\n")
        << Events{msg(QStringLiteral("\uFFFDA"))};
    QTest::newRow("truncated sequence at the end of a line is one U+FFFD")
        << QByteArray("data: a\xE2\x82\ndata: b\xF0\x9F\x98\r\n\n")
        << Events{msg(QStringLiteral("a\uFFFD\nb\uFFFD"))};
    QTest::newRow("truncated sequence before the colon is one U+FFFD in the field name")
        << QByteArray("data\xC3:x\n\ndata: y\n\n") << Events{msg(u"y"_qs)};
    QTest::newRow("overlong C0 AF is two U+FFFD")
        << QByteArray("data: \xC0\xAF\n\n") << Events{msg(QStringLiteral("\uFFFD\uFFFD"))};
    QTest::newRow("surrogate ED A0 80 is three U+FFFD")
        << QByteArray("data: \xED\xA0\x80\n\n")
        << Events{msg(QStringLiteral("\uFFFD\uFFFD\uFFFD"))};
    QTest::newRow("above U+10FFFF F4 90 80 80 is four U+FFFD")
        << QByteArray("data: \xF4\x90\x80\x80\n\n")
        << Events{msg(QStringLiteral("\uFFFD\uFFFD\uFFFD\uFFFD"))};
    QTest::newRow("lone continuation bytes are one U+FFFD each")
        << QByteArray("data: \x80\xBF\n\n") << Events{msg(QStringLiteral("\uFFFD\uFFFD"))};
    QTest::newRow("Unicode Table 3-8 maximal subparts")
        << QByteArray("data: \x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64\n\n")
        << Events{msg(QStringLiteral("a\uFFFD\uFFFD\uFFFDb\uFFFDc\uFFFD\uFFFDd"))};
    QTest::newRow("four-byte sequence in an event type and an id")
        << QByteArray("event: \xF0\x9F\x98\x80\nid: \xF0\x9F\x98\ndata: x\n\n")
        << Events{ev(QString::fromUcs4(U"\U0001F600"), u"x"_qs, QStringLiteral("\uFFFD"))};
    QTest::newRow("a BOM inside a value is text") << QByteArray("data: \xEF\xBB\xBF"
                                                                "x\n\n")
                                                  << Events{msg(QStringLiteral("\uFEFFx"))};
    QTest::newRow("PushLab message event")
        << QByteArray("retry: 2000\n\nid: 42\nevent: message\ndata: {\"id\":42}\n\n")
        << Events{msg(u"{\"id\":42}"_qs, u"42"_qs)};
    QTest::newRow("nothing but comments and blank lines")
        << QByteArray(":a\n\n\n:b\r\n") << Events{};
}

void tst_EventStreamParser::rules() {
    QFETCH(QByteArray, stream);
    QFETCH(Events, expected);
    EventStreamParser parser;
    Events got = toRows(parser.feed(stream));
    parser.finish();
    QCOMPARE(got, expected);
}

void tst_EventStreamParser::everySplitGivesTheSameEvents_data() {
    rules_data();
}

void tst_EventStreamParser::everySplitGivesTheSameEvents() {
    QFETCH(QByteArray, stream);
    QFETCH(Events, expected);
    // Two pieces at every boundary...
    for (qsizetype cut = 0; cut <= stream.size(); ++cut) {
        EventStreamParser parser;
        Events got = toRows(parser.feed(QByteArrayView(stream).first(cut)));
        got += toRows(parser.feed(QByteArrayView(stream).sliced(cut)));
        parser.finish();
        QVERIFY2(got == expected, qPrintable(QStringLiteral("split at byte %1").arg(cut)));
    }
    // ... and one byte at a time.
    EventStreamParser parser;
    Events got;
    for (qsizetype i = 0; i < stream.size(); ++i)
        got += toRows(parser.feed(QByteArrayView(stream).sliced(i, 1)));
    parser.finish();
    QCOMPARE(got, expected);
}

void tst_EventStreamParser::retry_data() {
    QTest::addColumn<QByteArray>("stream");
    QTest::addColumn<qint64>("expectedMs"); // -1 = never set

    QTest::newRow("digits") << QByteArray("retry: 2000\n\n") << qint64(2000);
    QTest::newRow("zero") << QByteArray("retry: 0\n") << qint64(0);
    QTest::newRow("later value wins") << QByteArray("retry: 10\nretry: 20\n") << qint64(20);
    QTest::newRow("not all digits ignored") << QByteArray("retry: 10ms\n") << qint64(-1);
    QTest::newRow("negative ignored") << QByteArray("retry: -5\n") << qint64(-1);
    QTest::newRow("empty ignored") << QByteArray("retry:\n") << qint64(-1);
    QTest::newRow("space inside ignored") << QByteArray("retry: 1 0\n") << qint64(-1);
    QTest::newRow("invalid keeps previous") << QByteArray("retry: 300\nretry: x\n") << qint64(300);
    QTest::newRow("in a comment ignored") << QByteArray(":retry: 5\n") << qint64(-1);
}

void tst_EventStreamParser::retry() {
    QFETCH(QByteArray, stream);
    QFETCH(qint64, expectedMs);
    EventStreamParser parser;
    parser.feed(stream);
    QCOMPARE(parser.reconnectionTimeMs().value_or(-1), expectedMs);
}

void tst_EventStreamParser::bytesAreChargedToEvents() {
    const QByteArray stream(": hb\n\nretry: 5\n\ndata: a\n\n: hb\n\ndata: bc\r\n\r\ndata: tail");
    EventStreamParser parser;
    const QList<ServerSentEvent> events = parser.feed(stream);
    QCOMPARE(events.size(), 2);
    QCOMPARE(events.at(0).bytes, qint64(QByteArray(": hb\n\nretry: 5\n\ndata: a\n\n").size()));
    QCOMPARE(events.at(1).bytes, qint64(QByteArray(": hb\n\ndata: bc\r\n\r\n").size()));
    QCOMPARE(parser.pendingBytes(), qint64(10));
    QCOMPARE(parser.finish(), qint64(10));
    QCOMPARE(parser.pendingBytes(), qint64(0));
}

void tst_EventStreamParser::lastEventIdSurvivesARestart() {
    EventStreamParser parser;
    parser.feed("retry: 100\nid: 9\ndata: a\n\nid: 10\ndata: half");
    QCOMPARE(parser.lastEventId(), u"9"_qs);
    parser.restart(); // connection dropped mid-event: the unterminated id 10 never took effect
    QCOMPARE(parser.lastEventId(), u"9"_qs);
    QCOMPARE(parser.reconnectionTimeMs().value_or(-1), qint64(100));
    const Events got = toRows(parser.feed("data: b\n\n"));
    QCOMPARE(got, Events{msg(u"b"_qs, u"9"_qs)});
}

void tst_EventStreamParser::bomOnlyAtTheStartOfAStream() {
    EventStreamParser parser;
    QCOMPARE(toRows(parser.feed("\xEF\xBB\xBF"
                                "data: 1\n\n")),
             Events{msg(u"1"_qs)});
    // Later in the same stream a BOM is just part of the field name: the line is ignored.
    QCOMPARE(toRows(parser.feed("\xEF\xBB\xBF"
                                "data: 2\n\n")),
             Events{});
    parser.restart(); // a new connection is a new stream
    QCOMPARE(toRows(parser.feed("\xEF\xBB\xBF"
                                "data: 3\n\n")),
             Events{msg(u"3"_qs)});
}

void tst_EventStreamParser::oversizedEventStopsTheParser() {
    EventStreamParser parser;
    parser.setMaxEventBytes(100);
    parser.feed(QByteArray(150, 'x'));
    QVERIFY(parser.overflowed());
    QCOMPARE(parser.feed("\n\ndata: a\n\n").size(), 0);
    parser.restart();
    QVERIFY(!parser.overflowed());
    QCOMPARE(parser.feed("data: a\n\n").size(), 1);
}

void tst_EventStreamParser::commentsAreCounted() {
    EventStreamParser parser;
    parser.feed(": heartbeat\n\n: heartbeat\n\n:\n");
    QCOMPARE(parser.commentCount(), qint64(3));
}

QTEST_GUILESS_MAIN(tst_EventStreamParser)
#include "tst_eventstreamparser.moc"
