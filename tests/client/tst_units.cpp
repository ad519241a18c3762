#include "units.h"

#include <QtTest/QTest>

class TestUnits final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void duration_data();
    void duration();
    void bytes_data();
    void bytes();
    void span_data();
    void span();
};

void TestUnits::duration_data() {
    QTest::addColumn<qint64>("us");
    QTest::addColumn<QString>("text");
    QTest::newRow("sub-millisecond keeps two decimals") << qint64(73) << QStringLiteral("0.07 ms");
    QTest::newRow("a few ms") << qint64(4'120) << QStringLiteral("4.12 ms");
    QTest::newRow("tens of ms, one decimal") << qint64(12'340) << QStringLiteral("12.3 ms");
    QTest::newRow("hundreds of ms, no decimals") << qint64(412'400) << QStringLiteral("412 ms");
    QTest::newRow("seconds") << qint64(2'500'000) << QStringLiteral("2.50 s");
    QTest::newRow("tens of seconds") << qint64(31'260'000) << QStringLiteral("31.3 s");
    QTest::newRow("minutes") << qint64(65'000'000) << QStringLiteral("1 min 5 s");
    QTest::newRow("zero") << qint64(0) << QStringLiteral("0.00 ms");
}

void TestUnits::duration() {
    QFETCH(qint64, us);
    QFETCH(QString, text);
    QCOMPARE(Units::duration(us), text);
}

void TestUnits::bytes_data() {
    QTest::addColumn<double>("bytes");
    QTest::addColumn<QString>("text");
    QTest::newRow("whole bytes") << 243.0 << QStringLiteral("243 B");
    QTest::newRow("average below ten") << 2.5 << QStringLiteral("2.5 B");
    QTest::newRow("kibibytes") << 1536.0 << QStringLiteral("1.5 KiB");
    QTest::newRow("mebibytes") << 3.0 * 1024 * 1024 << QStringLiteral("3.0 MiB");
}

void TestUnits::bytes() {
    QFETCH(double, bytes);
    QFETCH(QString, text);
    QCOMPARE(Units::bytes(bytes), text);
}

void TestUnits::span_data() {
    QTest::addColumn<qint64>("us");
    QTest::addColumn<QString>("text");
    QTest::newRow("10 s") << qint64(10'000'000) << QStringLiteral("10 s");
    QTest::newRow("5 min") << qint64(300'000'000) << QStringLiteral("5 min");
    QTest::newRow("2.5 s") << qint64(2'500'000) << QStringLiteral("2.5 s");
    QTest::newRow("40 ms") << qint64(40'000) << QStringLiteral("40 ms");
    QTest::newRow("500 µs") << qint64(500) << QStringLiteral("500 µs");
}

void TestUnits::span() {
    QFETCH(qint64, us);
    QFETCH(QString, text);
    QCOMPARE(Units::span(us), text);
}

QTEST_APPLESS_MAIN(TestUnits)
#include "tst_units.moc"
