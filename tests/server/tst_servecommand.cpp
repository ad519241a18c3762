// `pushlab-cli serve` as a user runs it: prints its URL, serves, exits 0 on SIGTERM, and
// refuses a busy port with one line and exit code 2.

#include "rawhttp.h"
#include "sendring.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QProcess>
#include <QtCore/QThread>
#include <QtNetwork/QTcpServer>
#include <QtNetwork/QTcpSocket>
#include <QtTest/QtTest>

#include <csignal>

class TestServeCommand : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void printsUrlServesAndStopsOnSigterm();
    void busyPortIsOneLineAndExitCode2();
    void badOptionsAreOneLine_data();
    void badOptionsAreOneLine();
    void threadsOptionSetsTheServerThreads_data();
    void threadsOptionSetsTheServerThreads();
    void ioUringCanBeTurnedOff();
};

void TestServeCommand::printsUrlServesAndStopsOnSigterm() {
    QProcess cli;
    cli.start(QStringLiteral(PUSHLAB_CLI),
              {QStringLiteral("serve"), QStringLiteral("--port"), QStringLiteral("0")});
    QVERIFY(cli.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(cli.canReadLine(), 10000);
    const QString line = QString::fromUtf8(cli.readLine()).trimmed();
    QVERIFY2(line.startsWith(QLatin1String("PushLab server listening on http://127.0.0.1:")),
             qPrintable(line));
    const QUrl url(line.section(u' ', -1));
    QVERIFY(url.port() > 0);

    QTcpSocket socket;
    socket.connectToHost(QStringLiteral("127.0.0.1"), quint16(url.port()));
    QVERIFY(socket.waitForConnected(5000));
    socket.write("GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    QTRY_VERIFY_WITH_TIMEOUT(socket.waitForReadyRead(100) || socket.bytesAvailable() > 0, 5000);

    ::kill(pid_t(cli.processId()), SIGTERM);
    QVERIFY(cli.waitForFinished(10000));
    QCOMPARE(cli.exitStatus(), QProcess::NormalExit);
    QCOMPARE(cli.exitCode(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(socket.state(), QAbstractSocket::UnconnectedState,
                              5000); // stream closed
}

void TestServeCommand::busyPortIsOneLineAndExitCode2() {
    QTcpServer busy;
    QVERIFY(busy.listen(QHostAddress::LocalHost, 0));
    QProcess cli;
    cli.start(QStringLiteral(PUSHLAB_CLI), {QStringLiteral("serve"), QStringLiteral("--port"),
                                            QString::number(busy.serverPort())});
    QVERIFY(cli.waitForFinished(10000));
    QCOMPARE(cli.exitCode(), 2);
    const QString err = QString::fromUtf8(cli.readAllStandardError()).trimmed();
    QCOMPARE(err.count(u'\n'), 0);
    QVERIFY2(err.contains(QString::number(busy.serverPort())) &&
                 err.contains(QLatin1String("--port")),
             qPrintable(err));
}

void TestServeCommand::badOptionsAreOneLine_data() {
    QTest::addColumn<QStringList>("args");
    QTest::newRow("port not a number")
        << QStringList{QStringLiteral("--port"), QStringLiteral("http")};
    QTest::newRow("port too big") << QStringList{QStringLiteral("--port"), QStringLiteral("70000")};
    QTest::newRow("bind not an address")
        << QStringList{QStringLiteral("--bind"), QStringLiteral("everywhere")};
    QTest::newRow("history zero") << QStringList{QStringLiteral("--history"), QStringLiteral("0")};
    QTest::newRow("ticker negative")
        << QStringList{QStringLiteral("--ticker"), QStringLiteral("-1")};
    QTest::newRow("threads zero") << QStringList{QStringLiteral("--threads"), QStringLiteral("0")};
    QTest::newRow("threads not a number")
        << QStringList{QStringLiteral("--threads"), QStringLiteral("many")};
    QTest::newRow("fan-out threads zero")
        << QStringList{QStringLiteral("--fanout-threads"), QStringLiteral("0")};
    QTest::newRow("fan-out threads too many")
        << QStringList{QStringLiteral("--fanout-threads"), QStringLiteral("65")};
    QTest::newRow("unknown option") << QStringList{QStringLiteral("--frobnicate")};
    QTest::newRow("redis not a redis URL")
        << QStringList{QStringLiteral("--redis"), QStringLiteral("http://127.0.0.1:6379/")};
    QTest::newRow("redis database not a number")
        << QStringList{QStringLiteral("--redis"), QStringLiteral("redis://127.0.0.1:6379/x")};
    // Port 1 (tcpmux) is closed: the history cannot be read, so the server does not start.
    QTest::newRow("redis unreachable")
        << QStringList{QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--redis"),
                       QStringLiteral("redis://127.0.0.1:1/0")};
}

void TestServeCommand::badOptionsAreOneLine() {
    QFETCH(QStringList, args);
    QProcess cli;
    cli.start(QStringLiteral(PUSHLAB_CLI), QStringList{QStringLiteral("serve")} + args);
    QVERIFY(cli.waitForFinished(10000));
    QCOMPARE(cli.exitCode(), 2);
    const QString err = QString::fromUtf8(cli.readAllStandardError()).trimmed();
    QVERIFY(!err.isEmpty());
    QCOMPARE(err.count(u'\n'), 0);
}

void TestServeCommand::threadsOptionSetsTheServerThreads_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("threads");
    QTest::addColumn<int>("fanOutThreads");
    const int cores = qBound(1, QThread::idealThreadCount(), 4);
    QTest::newRow("defaults: one loop, fan-out on every core (at most 4)")
        << QStringList{} << 1 << cores;
    QTest::newRow("--threads 3") << QStringList{QStringLiteral("--threads"), QStringLiteral("3")}
                                 << 3 << cores;
    QTest::newRow("--fanout-threads 1")
        << QStringList{QStringLiteral("--fanout-threads"), QStringLiteral("1")} << 1 << 1;
    QTest::newRow("--threads 2 --fanout-threads 3")
        << QStringList{QStringLiteral("--threads"), QStringLiteral("2"),
                       QStringLiteral("--fanout-threads"), QStringLiteral("3")}
        << 2 << 3;
}

void TestServeCommand::threadsOptionSetsTheServerThreads() {
    QFETCH(QStringList, args);
    QFETCH(int, threads);
    QFETCH(int, fanOutThreads);
    QProcess cli;
    cli.start(QStringLiteral(PUSHLAB_CLI),
              QStringList{QStringLiteral("serve"), QStringLiteral("--port"), QStringLiteral("0")} +
                  args);
    QVERIFY(cli.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(cli.canReadLine(), 10000);
    const QUrl url(QString::fromUtf8(cli.readLine()).trimmed().section(u' ', -1));
    QVERIFY(url.port() > 0);
    RawHttp http(quint16(url.port()));
    http.get("/api/stats");
    const QJsonObject stats = QJsonDocument::fromJson(http.read().body).object();
    QCOMPARE(stats.value(QStringLiteral("threads")).toInt(), threads);
    QCOMPARE(stats.value(QStringLiteral("connectionsPerThread")).toArray().size(), threads);
    QCOMPARE(stats.value(QStringLiteral("fanOutThreads")).toInt(), fanOutThreads);
    // Batches of sends go through io_uring where this machine allows it (as this process finds).
    QCOMPARE(stats.value(QStringLiteral("ioUring")).toBool(), SendRing(true).usesIoUring());
    ::kill(pid_t(cli.processId()), SIGTERM);
    QVERIFY(cli.waitForFinished(10000));
    QCOMPARE(cli.exitCode(), 0);
}

void TestServeCommand::ioUringCanBeTurnedOff() {
    // PUSHLAB_IO_URING=0: every send is a send(2), and the stats say so.
    QProcess cli;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("PUSHLAB_IO_URING"), QStringLiteral("0"));
    cli.setProcessEnvironment(env);
    cli.start(QStringLiteral(PUSHLAB_CLI),
              QStringList{QStringLiteral("serve"), QStringLiteral("--port"), QStringLiteral("0")});
    QVERIFY(cli.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(cli.canReadLine(), 10000);
    const QUrl url(QString::fromUtf8(cli.readLine()).trimmed().section(u' ', -1));
    RawHttp http(quint16(url.port()));
    http.get("/api/stats");
    const QJsonObject stats = QJsonDocument::fromJson(http.read().body).object();
    QVERIFY(stats.contains(QStringLiteral("ioUring")));
    QCOMPARE(stats.value(QStringLiteral("ioUring")).toBool(), false);
    ::kill(pid_t(cli.processId()), SIGTERM);
    QVERIFY(cli.waitForFinished(10000));
    QCOMPARE(cli.exitCode(), 0);
}

QTEST_GUILESS_MAIN(TestServeCommand)
#include "tst_servecommand.moc"
