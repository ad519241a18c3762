#include "utf8decoder.h"

#include <QtTest/QTest>

// Rows from the WHATWG Encoding Standard's UTF-8 decoder and the Unicode Standard's "U+FFFD
// substitution of maximal subparts" (ch. 3, Table 3-8 and the examples around it).
class tst_Utf8Decoder : public QObject {
    Q_OBJECT

    static void addRows();

private Q_SLOTS:
    void wholeInput_data() { addRows(); }
    void wholeInput();
    void everySplitGivesTheSameText_data() { addRows(); }
    void everySplitGivesTheSameText();
    void oneByteAtATime_data() { addRows(); }
    void oneByteAtATime();
    void aPartialSequenceWaitsForTheNextFeed();
};

namespace {

constexpr char16_t fffd = 0xFFFD;

QString repeatFffd(int n) {
    return QString(n, QChar(fffd));
}

} // namespace

void tst_Utf8Decoder::addRows() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("expected");

    QTest::newRow("empty") << QByteArray() << QString();
    QTest::newRow("ASCII") << QByteArray("hello") << u"hello"_qs;
    QTest::newRow("two-byte") << QByteArray("gr\xC3\xBC\xC3\x9F"
                                            "e")
                              << QStringLiteral("grüße");
    QTest::newRow("three-byte") << QByteArray("\xE2\x82\xAC") << QStringLiteral("\u20AC");
    QTest::newRow("four-byte becomes a surrogate pair")
        << QByteArray("\xF0\x9F\x98\x80") << QString::fromUcs4(U"\U0001F600");
    QTest::newRow("largest code point")
        << QByteArray("\xF4\x8F\xBF\xBF") << QString::fromUcs4(U"\U0010FFFF");
    QTest::newRow("BOM is text here") << QByteArray("\xEF\xBB\xBF") << QStringLiteral("\uFEFF");
    QTest::newRow("truncated four-byte then ASCII is one U+FFFD") << QByteArray("\xF0\x9F\x98"
                                                                                "A")
                                                                  << QString(repeatFffd(1) + u'A');
    QTest::newRow("truncated four-byte at the end is one U+FFFD")
        << QByteArray("x\xF0\x9F\x98") << QString(u'x' + repeatFffd(1));
    QTest::newRow("truncated two-byte at the end is one U+FFFD")
        << QByteArray("\xC3") << repeatFffd(1);
    QTest::newRow("overlong C0 AF is two") << QByteArray("\xC0\xAF") << repeatFffd(2);
    QTest::newRow("overlong E0 80 AF is three") << QByteArray("\xE0\x80\xAF") << repeatFffd(3);
    QTest::newRow("overlong F0 80 80 AF is four")
        << QByteArray("\xF0\x80\x80\xAF") << repeatFffd(4);
    QTest::newRow("surrogate ED A0 80 is three") << QByteArray("\xED\xA0\x80") << repeatFffd(3);
    QTest::newRow("above U+10FFFF F4 90 80 80 is four")
        << QByteArray("\xF4\x90\x80\x80") << repeatFffd(4);
    QTest::newRow("lone continuation byte is one") << QByteArray("a\x80"
                                                                 "b")
                                                   << QString(u'a' + repeatFffd(1) + u'b');
    QTest::newRow("each lone continuation byte is one")
        << QByteArray("\x80\xBF\x80") << repeatFffd(3);
    QTest::newRow("F5..FF are one each") << QByteArray("\xF5\xF8\xFC\xFE\xFF") << repeatFffd(5);
    QTest::newRow("a lead byte ends the sequence before it")
        << QByteArray("\xE2\x82\xC3\xBC") << QString(repeatFffd(1) + QStringLiteral("ü"));
    QTest::newRow("Unicode Table 3-8")
        << QByteArray("\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64")
        << QString(u'a' + repeatFffd(3) + u'b' + repeatFffd(1) + u'c' + repeatFffd(2) + u'd');
    QTest::newRow("Unicode ch. 3 example: truncated sequences")
        << QByteArray("\x61\xF1\x80\x80\xE1\x80\xC2\x62") << QString(u'a' + repeatFffd(3) + u'b');
    QTest::newRow("Unicode ch. 3 example: ill-formed throughout")
        << QByteArray("\xC0\xAF\xE0\x80\xBF\xF0\x81\x82\x41") << QString(repeatFffd(8) + u'A');
    QTest::newRow("Unicode ch. 3 example: surrogates and beyond")
        << QByteArray("\xED\xA0\x80\xED\xBF\xBF\xED\xAF\x41") << QString(repeatFffd(8) + u'A');
    QTest::newRow("Unicode ch. 3 example: out of range")
        << QByteArray("\xF4\x91\x92\x93\xFF\x41\x80\xBF\x42")
        << QString(repeatFffd(5) + u'A' + repeatFffd(2) + u'B');
    QTest::newRow("Unicode ch. 3 example: truncated then valid")
        << QByteArray("\xE1\x80\xE2\xF0\x91\x92\xF1\xBF\x41") << QString(repeatFffd(4) + u'A');
}

void tst_Utf8Decoder::wholeInput() {
    QFETCH(QByteArray, bytes);
    QFETCH(QString, expected);
    QCOMPARE(Utf8Decoder::decode(bytes), expected);
}

void tst_Utf8Decoder::everySplitGivesTheSameText() {
    QFETCH(QByteArray, bytes);
    QFETCH(QString, expected);
    for (qsizetype cut = 0; cut <= bytes.size(); ++cut) {
        Utf8Decoder decoder;
        QString got;
        decoder.feed(QByteArrayView(bytes).first(cut), got);
        decoder.feed(QByteArrayView(bytes).sliced(cut), got);
        decoder.finish(got);
        QVERIFY2(got == expected, qPrintable(QStringLiteral("split at byte %1").arg(cut)));
    }
}

void tst_Utf8Decoder::oneByteAtATime() {
    QFETCH(QByteArray, bytes);
    QFETCH(QString, expected);
    Utf8Decoder decoder;
    QString got;
    for (qsizetype i = 0; i < bytes.size(); ++i)
        decoder.feed(QByteArrayView(bytes).sliced(i, 1), got);
    decoder.finish(got);
    QCOMPARE(got, expected);
}

void tst_Utf8Decoder::aPartialSequenceWaitsForTheNextFeed() {
    Utf8Decoder decoder;
    QString got;
    decoder.feed("a\xE2\x82", got);
    QCOMPARE(got, u"a"_qs);
    QVERIFY(decoder.hasPartialSequence());
    decoder.feed("\xAC", got);
    QCOMPARE(got, QStringLiteral("a\u20AC"));
    QVERIFY(!decoder.hasPartialSequence());
}

QTEST_GUILESS_MAIN(tst_Utf8Decoder)
#include "tst_utf8decoder.moc"
