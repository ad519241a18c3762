// `pushlab-cli watch` and `pushlab-cli publish` as a user runs them: the real executable,
// against a push server running in this test's event loop.
#include "pushserver.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QProcess>
#include <QtCore/QRegularExpression>
#include <QtCore/QTimer>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <csignal>
#include <memory>

namespace {

struct Run {
    int exitCode = -1;
    QProcess::ExitStatus exitStatus = QProcess::CrashExit;
    QString out;
    QString err;
};

} // namespace

class tst_CliCommands : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void watchAllPatternsUntilCount();
    void watchJsonLines();
    void watchAForeignEventStream();
    void watchStopsOnSignalWithSummary();
    void watchKeepsGoingThroughAServerRestart();
    void watchThroughA4GLink();
    void watchErrors_data();
    void watchErrors();
    void publishPrintsTheStoredMessage();
    void publishErrors_data();
    void publishErrors();

private:
    // Runs pushlab-cli with the event loop (and so the server) running; bounded in time.
    Run run(const QStringList &arguments, int timeoutMs = 30000,
            bool interruptAfterADelivery = false);
    QString origin() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_server->port()); }

    std::unique_ptr<PushServer> m_server;
    QTimer m_ticker;
};

void tst_CliCommands::init() {
    ServerConfig config;
    config.port = 0;
    m_server = std::make_unique<PushServer>(config);
    QVERIFY(m_server->listen());
    m_ticker.setInterval(100);
    m_ticker.callOnTimeout(m_server.get(), [this] { m_server->publish(QStringLiteral("tick")); });
}

void tst_CliCommands::cleanup() {
    m_ticker.stop();
    m_ticker.disconnect();
    m_server->shutdown();
    m_server.reset();
}

Run tst_CliCommands::run(const QStringList &arguments, int timeoutMs,
                         bool interruptAfterADelivery) {
    QProcess process;
    QSignalSpy finished(&process, &QProcess::finished);
    QByteArray out;
    bool interrupted = false;
    // Interrupt only once the watch is visibly running (its signal handler is in place by then).
    connect(&process, &QProcess::readyReadStandardOutput, this, [&] {
        out += process.readAllStandardOutput();
        if (interruptAfterADelivery && !interrupted && out.contains(" latency ")) {
            interrupted = true;
            ::kill(pid_t(process.processId()), SIGINT);
        }
    });
    process.start(QStringLiteral(PUSHLAB_CLI), arguments);
    if (!process.waitForStarted(10000))
        return {};
    if (!finished.wait(timeoutMs)) {
        process.kill();
        process.waitForFinished(5000);
        return {};
    }
    Run result;
    result.exitCode = process.exitCode();
    result.exitStatus = process.exitStatus();
    result.out = QString::fromUtf8(out + process.readAllStandardOutput());
    result.err = QString::fromUtf8(process.readAllStandardError());
    return result;
}

void tst_CliCommands::watchAllPatternsUntilCount() {
    m_ticker.start();
    const Run r = run({QStringLiteral("watch"), QStringLiteral("--count"), QStringLiteral("3"),
                       QStringLiteral("--interval"), QStringLiteral("100"), origin()});
    QCOMPARE(r.exitStatus, QProcess::NormalExit);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QStringList lines = r.out.split(QLatin1Char('\n'));
    for (const char *key : {" short ", " long ", " sse "})
        QVERIFY2(r.out.contains(QLatin1String(key)), key);
    QVERIFY(r.out.contains(QLatin1String("text/event-stream")));
    QVERIFY(r.out.contains(QLatin1String("\"tick\" latency ")));
    // The summary: a row per pattern in both tables.
    QVERIFY(r.out.contains(QLatin1String("Summary: ")));
    QCOMPARE(lines.filter(QRegularExpression(QStringLiteral("^Short poll +\\d+"))).size(), 2);
    QCOMPARE(lines.filter(QRegularExpression(QStringLiteral("^Long poll +\\d+"))).size(), 2);
    QCOMPARE(lines.filter(QRegularExpression(QStringLiteral("^SSE +\\d+"))).size(), 2);
    QVERIFY(r.err.isEmpty());
}

void tst_CliCommands::watchJsonLines() {
    m_ticker.start();
    const Run r =
        run({QStringLiteral("watch"), QStringLiteral("--json"), QStringLiteral("--pattern"),
             QStringLiteral("sse"), QStringLiteral("--count"), QStringLiteral("2"), origin()});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QStringList lines = r.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QVERIFY(lines.size() >= 4); // request, open, 2 events, summary
    QList<QJsonObject> objects;
    for (const QString &line : lines) {
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(line.toUtf8(), &error);
        QVERIFY2(doc.isObject(), qPrintable(line));
        objects.append(doc.object());
    }
    QCOMPARE(objects.last().value(QLatin1String("kind")).toString(), QStringLiteral("summary"));
    const QJsonObject sse =
        objects.last()[QLatin1String("patterns")][QLatin1String("sse")].toObject();
    QVERIFY(sse.value(QLatin1String("messages")).toInteger() >= 2);
    QCOMPARE(sse.value(QLatin1String("missing")).toInteger(), 0);
    int events = 0;
    for (const QJsonObject &o : objects) {
        if (o.value(QLatin1String("kind")).toString() != QLatin1String("event"))
            continue;
        ++events;
        QCOMPARE(o.value(QLatin1String("type")).toString(), QStringLiteral("message"));
        const QJsonObject data =
            QJsonDocument::fromJson(o.value(QLatin1String("data")).toString().toUtf8()).object();
        QCOMPARE(QString::number(data.value(QLatin1String("id")).toInteger()),
                 o.value(QLatin1String("lastEventId")).toString());
        QVERIFY(o.value(QLatin1String("messages")).toArray().size() == 1);
    }
    QVERIFY(events >= 2);
    // The stream's opening is named as the window's export names it (TrafficEvent::kindKey).
    QCOMPARE(std::count_if(objects.cbegin(), objects.cend(),
                           [](const QJsonObject &o) {
                               return o.value(QLatin1String("kind")).toString() ==
                                      QLatin1String("open");
                           }),
             1);
}

void tst_CliCommands::watchAForeignEventStream() {
    // The seed demo's /events: plain-text data. Any event stream can be watched by its URL.
    m_ticker.start();
    const Run r =
        run({QStringLiteral("watch"), QStringLiteral("--pattern"), QStringLiteral("sse"),
             QStringLiteral("--count"), QStringLiteral("2"), origin() + QStringLiteral("/events")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY2(r.out.contains(QLatin1String("type=\"message\"")), qPrintable(r.out));
    QVERIFY(r.out.contains(QLatin1String("data=\"tick\"")));
    QVERIFY(r.out.contains(QStringLiteral("GET %1/events").arg(origin())));
}

void tst_CliCommands::watchStopsOnSignalWithSummary() {
    m_ticker.start();
    const Run r = run({QStringLiteral("watch"), origin()}, 30000, true);
    QCOMPARE(r.exitStatus, QProcess::NormalExit);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY(r.out.contains(QLatin1String("Summary: ")));
    QVERIFY(r.out.contains(QLatin1String("latency ")));
}

void tst_CliCommands::watchKeepsGoingThroughAServerRestart() {
    const quint16 port = m_server->port();
    m_ticker.start();
    QProcess process;
    QSignalSpy finished(&process, &QProcess::finished);
    QByteArray out;
    connect(&process, &QProcess::readyReadStandardOutput, this,
            [&] { out += process.readAllStandardOutput(); });
    process.start(QStringLiteral(PUSHLAB_CLI),
                  {QStringLiteral("watch"), QStringLiteral("--json"), QStringLiteral("--interval"),
                   QStringLiteral("100"), origin()});
    QVERIFY(process.waitForStarted(10000));
    // A line of that pattern containing `needle`, at or after byte `from` of the output.
    const auto lineWith = [&out](const char *pattern, const char *needle, qsizetype from = 0) {
        const QByteArray tag =
            QByteArray("\"pattern\":\"") + QByteArray(pattern) + QByteArray("\"");
        const QList<QByteArray> lines = out.mid(from).split('\n');
        return std::any_of(lines.cbegin(), lines.cend(), [&tag, needle](const QByteArray &line) {
            return line.contains(tag) && line.contains(needle);
        });
    };
    const auto delivered = [&lineWith](const char *pattern, qsizetype from = 0) {
        return lineWith(pattern, "\"messages\":[", from);
    };
    QTRY_VERIFY_WITH_TIMEOUT(delivered("short") && delivered("long") && delivered("sse"), 10000);

    // The server goes away and comes back on the same port: a new run, with new ids.
    m_ticker.stop();
    m_server->shutdown();
    m_server.reset();
    QTRY_VERIFY_WITH_TIMEOUT(out.contains("\"kind\":\"error\""), 10000);
    ServerConfig config;
    config.port = port;
    m_server = std::make_unique<PushServer>(config);
    QVERIFY(m_server->listen());
    m_ticker.callOnTimeout(m_server.get(), [this] { m_server->publish(QStringLiteral("tick")); });
    m_ticker.start();
    // Every pattern is told about the gap, then gets the new run's messages.
    QTRY_VERIFY_WITH_TIMEOUT(lineWith("short", "\"gap\":{") && lineWith("long", "\"gap\":{") &&
                                 lineWith("sse", "\"gap\":{"),
                             20000);
    const qsizetype seen = out.size();
    QTRY_VERIFY_WITH_TIMEOUT(
        delivered("short", seen) && delivered("long", seen) && delivered("sse", seen), 10000);
    ::kill(pid_t(process.processId()), SIGINT);
    QVERIFY(finished.wait(10000));
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), 0);
    out += process.readAllStandardOutput();
    const QList<QByteArray> lines = out.trimmed().split('\n');
    const QJsonObject summary = QJsonDocument::fromJson(lines.last()).object();
    QCOMPARE(summary.value(QLatin1String("kind")).toString(), QStringLiteral("summary"));
    for (const char *key : {"short", "long", "sse"}) {
        const QJsonObject p = summary[QLatin1String("patterns")][QLatin1String(key)].toObject();
        QVERIFY2(p.value(QLatin1String("gaps")).toInteger() >= 1, key);
        QCOMPARE(p.value(QLatin1String("missing")).toInteger(), 0);
        QCOMPARE(p.value(QLatin1String("duplicates")).toInteger(), 0);
    }
}

void tst_CliCommands::watchThroughA4GLink() {
    // Bursts of three: a stream delivers each message one way's latency after it was published;
    // a long poll the first alike, the others a round trip later, on the next request.
    QTimer bursts;
    bursts.callOnTimeout(m_server.get(), [this] {
        for (int i = 0; i < 3; ++i)
            m_server->publish(QStringLiteral("burst"));
    });
    bursts.start(1500);
    const Run r = run({QStringLiteral("watch"), QStringLiteral("--link"), QStringLiteral("4g"),
                       QStringLiteral("--pattern"), QStringLiteral("all"), QStringLiteral("--json"),
                       QStringLiteral("--duration"), QStringLiteral("7"), origin()},
                      30000);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QStringList lines = r.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QVERIFY(!lines.isEmpty());
    const QJsonObject summary = QJsonDocument::fromJson(lines.last().toUtf8()).object();
    QVERIFY2(summary.value(QLatin1String("link")).toString().contains(QLatin1String("RTT 170 ms")),
             qPrintable(lines.last()));
    const QJsonObject patterns = summary.value(QLatin1String("patterns")).toObject();
    const auto figure = [&](const char *pattern, const char *key) {
        return patterns.value(QLatin1String(pattern))
            .toObject()
            .value(QLatin1String(key))
            .toDouble();
    };
    for (const char *p : {"short", "long", "sse", "ws"}) {
        QVERIFY2(figure(p, "messages") >= 9, p); // three bursts at least
        QCOMPARE(figure(p, "missing"), 0.0);
        QVERIFY2(figure(p, "minMs") >= 75, p); // nothing beats the link's one-way 85 ± 10 ms
    }
    qInfo("4G p50/max ms: short %.0f/%.0f long %.0f/%.0f sse %.0f/%.0f ws %.0f/%.0f",
          figure("short", "p50Ms"), figure("short", "maxMs"), figure("long", "p50Ms"),
          figure("long", "maxMs"), figure("sse", "p50Ms"), figure("sse", "maxMs"),
          figure("ws", "p50Ms"), figure("ws", "maxMs"));
    QVERIFY(figure("long", "maxMs") >= figure("sse", "maxMs") + 100);
    QVERIFY(figure("long", "p50Ms") > figure("sse", "p50Ms"));
    QVERIFY(figure("short", "p50Ms") > figure("sse", "p50Ms"));
}

void tst_CliCommands::watchErrors_data() {
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("message");
    QTest::newRow("unreachable") << QStringList{QStringLiteral("http://127.0.0.1:1")} << 1
                                 << QStringLiteral("cannot reach");
    QTest::newRow("not a URL") << QStringList{QStringLiteral("ftp://example")} << 2
                               << QStringLiteral("not an http");
    QTest::newRow("bad pattern") << QStringList{QStringLiteral("--pattern"), QStringLiteral("push")}
                                 << 2 << QStringLiteral("--pattern");
    QTest::newRow("bad interval") << QStringList{QStringLiteral("--interval"), QStringLiteral("10")}
                                  << 2 << QStringLiteral("--interval");
    QTest::newRow("not PushLab") << QStringList{QStringLiteral("@/nowhere")} << 1
                                 << QStringLiteral("not a PushLab server");
    QTest::newRow("stream is HTML")
        << QStringList{QStringLiteral("--pattern"), QStringLiteral("sse"),
                       QStringLiteral("@/index.html")}
        << 1 << QStringLiteral("text/html");
    QTest::newRow("unknown link preset")
        << QStringList{QStringLiteral("--link"), QStringLiteral("5g")} << 2
        << QStringLiteral("--link must be one of loopback, lan, wifi, 4g");
    QTest::newRow("loss out of range")
        << QStringList{QStringLiteral("--loss"), QStringLiteral("80")} << 2
        << QStringLiteral("--loss");
    QTest::newRow("bad drop mode")
        << QStringList{QStringLiteral("--drop-mode"), QStringLiteral("sometimes")} << 2
        << QStringLiteral("--drop-mode must be reset or close");
    QTest::newRow("stream unreachable")
        << QStringList{QStringLiteral("--pattern"), QStringLiteral("sse"),
                       QStringLiteral("http://127.0.0.1:1/s")}
        << 1 << QStringLiteral("cannot reach");
}

void tst_CliCommands::watchErrors() {
    QFETCH(QStringList, arguments);
    QFETCH(int, exitCode);
    QFETCH(QString, message);
    for (QString &a : arguments)
        a.replace(QLatin1String("@"), origin());
    const Run r = run(QStringList{QStringLiteral("watch")} + arguments);
    QCOMPARE(r.exitStatus, QProcess::NormalExit);
    QCOMPARE(r.exitCode, exitCode);
    const QStringList errLines = r.err.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(errLines.size(), 1);
    QVERIFY2(errLines.first().startsWith(QLatin1String("pushlab-cli watch: ")), qPrintable(r.err));
    QVERIFY2(errLines.first().contains(message), qPrintable(r.err));
}

void tst_CliCommands::publishPrintsTheStoredMessage() {
    const Run r = run(
        {QStringLiteral("publish"), origin(), QStringLiteral("hello"), QStringLiteral("world")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QCOMPARE(m_server->log().size(), 1);
    const quint64 id = m_server->log().lastId();
    QVERIFY2(r.out.startsWith(QStringLiteral("Published message %1 at ").arg(id)),
             qPrintable(r.out));
    QVERIFY(r.out.trimmed().endsWith(QLatin1String(": hello world")));

    const Run json =
        run({QStringLiteral("publish"), QStringLiteral("--json"), origin(), QStringLiteral("x")});
    QVERIFY2(json.exitCode == 0, qPrintable(json.err));
    const QJsonObject o = QJsonDocument::fromJson(json.out.toUtf8()).object();
    QCOMPARE(quint64(o.value(QLatin1String("id")).toInteger()), id + 1);
    QCOMPARE(o.value(QLatin1String("text")).toString(), QStringLiteral("x"));
}

void tst_CliCommands::publishErrors_data() {
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("message");
    QTest::newRow("unreachable") << QStringList{QStringLiteral("http://127.0.0.1:1"),
                                                QStringLiteral("x")}
                                 << 1 << QStringLiteral("Connection refused");
    QTest::newRow("no text") << QStringList{QStringLiteral("@")} << 2
                             << QStringLiteral("nothing to publish");
    QTest::newRow("too long") << QStringList{QStringLiteral("@"), QString(70000, QLatin1Char('a'))}
                              << 1 << QStringLiteral("HTTP 413");
    QTest::newRow("not PushLab") << QStringList{QStringLiteral("@/elsewhere"), QStringLiteral("x")}
                                 << 1 << QStringLiteral("HTTP 404");
}

void tst_CliCommands::publishErrors() {
    QFETCH(QStringList, arguments);
    QFETCH(int, exitCode);
    QFETCH(QString, message);
    for (QString &a : arguments)
        a.replace(QLatin1String("@"), origin());
    const Run r = run(QStringList{QStringLiteral("publish")} + arguments);
    QCOMPARE(r.exitCode, exitCode);
    QVERIFY(r.out.isEmpty());
    const QStringList errLines = r.err.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(errLines.size(), 1);
    QVERIFY2(errLines.first().contains(message), qPrintable(r.err));
    QCOMPARE(m_server->log().size(), 0);
}

QTEST_GUILESS_MAIN(tst_CliCommands)
#include "tst_clicommands.moc"
