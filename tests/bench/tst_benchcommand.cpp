#include <QtCore/QProcess>
#include <QtTest/QTest>

// `pushlab-cli bench` as a user runs it: a wrong option is one line on stderr naming it, and
// exit code 2, before any connection is made.
class TestBenchCommand : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void usageErrors_data() {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("no publisher connections")
            << QStringList{QStringLiteral("--publish-connections"), QStringLiteral("0")}
            << QStringLiteral("--publish-connections must be a whole number from 1 to 64");
        QTest::newRow("too many publisher connections")
            << QStringList{QStringLiteral("--publish-connections=65")}
            << QStringLiteral("--publish-connections");
        QTest::newRow("publisher connections not a number")
            << QStringList{QStringLiteral("--publish-connections=two")}
            << QStringLiteral("--publish-connections");
        QTest::newRow("negative rate")
            << QStringList{QStringLiteral("--rate=-3")} << QStringLiteral("--rate");
        QTest::newRow("remote server")
            << QStringList{QStringLiteral("--server=http://192.0.2.1:8050")}
            << QStringLiteral("this machine");
    }

    void usageErrors() {
        QFETCH(QStringList, arguments);
        QFETCH(QString, mentions);
        QProcess process;
        process.start(QStringLiteral(PUSHLAB_CLI),
                      QStringList{QStringLiteral("bench")} + arguments);
        QVERIFY(process.waitForFinished(30000));
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), 2);
        QVERIFY(process.readAllStandardOutput().isEmpty());
        const QString err = QString::fromUtf8(process.readAllStandardError());
        const QStringList lines = err.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 1);
        QVERIFY2(lines.first().startsWith(QLatin1String("pushlab-cli bench: ")), qPrintable(err));
        QVERIFY2(lines.first().contains(mentions), qPrintable(err));
    }

    void helpNamesTheNewOption() {
        QProcess process;
        process.start(QStringLiteral(PUSHLAB_CLI),
                      {QStringLiteral("bench"), QStringLiteral("--help")});
        QVERIFY(process.waitForFinished(30000));
        QCOMPARE(process.exitCode(), 0);
        QVERIFY(process.readAllStandardOutput().contains("--publish-connections"));
    }
};

QTEST_GUILESS_MAIN(TestBenchCommand)
#include "tst_benchcommand.moc"
