// The wire contract (common/wirecontract.h) and everything that repeats it: the client engines'
// defaults, `pushlab-cli watch --help`, the page's generated contract.js, and the copies that
// cannot include the header (the docs, the Go peer of the benchmark). Every expected text is built
// from the header's constants, so changing a value there and not in a copy fails here.
#include "longpollclient.h"
#include "sseclient.h"
#include "websocketclient.h"
#include "wirecontract.h"

#include <QtCore/QFile>
#include <QtCore/QProcess>
#include <QtCore/QRegularExpression>
#include <QtTest/QTest>

namespace Wire = PushLab::Wire;

namespace {

QString readText(const QString &path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll());
}

// Prose wraps anywhere: compare with every run of white space as one space.
QString squeezed(const QString &text) {
    static const QRegularExpression space(QStringLiteral("\\s+"));
    return QString(text).replace(space, QStringLiteral(" "));
}

QString seconds(int ms) {
    return QString::number(ms / 1000.0);
}

QString word(int n) {
    static const QStringList words{QStringLiteral("zero"), QStringLiteral("one"),
                                   QStringLiteral("two"),  QStringLiteral("three"),
                                   QStringLiteral("four"), QStringLiteral("five")};
    return words.value(n, QString::number(n));
}

QString quoted(const char *text) {
    return QLatin1Char('"') + QLatin1String(text) + QLatin1Char('"');
}

} // namespace

class tst_WireContract : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void clientDefaultsAreTheContracts();
    void watchHelpStatesTheContract();
    void contractJsHoldsEachValue_data();
    void contractJsHoldsEachValue();
    void copiesStateTheContract_data();
    void copiesStateTheContract();
};

void tst_WireContract::clientDefaultsAreTheContracts() {
    LongPollClient longPoll;
    QCOMPARE(longPoll.timeoutSeconds(), Wire::longPollDefaultTimeoutS);
    longPoll.setTimeoutSeconds(0);
    QCOMPARE(longPoll.timeoutSeconds(), Wire::longPollMinTimeoutS);
    longPoll.setTimeoutSeconds(100000);
    QCOMPARE(longPoll.timeoutSeconds(), Wire::longPollMaxTimeoutS);

    WebSocketClient ws;
    QCOMPARE(ws.reconnectDelayMs(), Wire::retryDefaultMs);
    QCOMPARE(ws.pingIntervalMs(), Wire::heartbeatDefaultMs);
    QCOMPARE(ws.socketUrl().path(), QLatin1String(Wire::webSocketPath));

    SseClient sse;
    QCOMPARE(sse.assumedHeartbeatMs(), Wire::heartbeatDefaultMs);
    QCOMPARE(sse.silenceTimeoutMs(), Wire::heartbeatDefaultMs * Wire::missedHeartbeatsBeforeDead);
    QCOMPARE(SseClient::defaultSilenceTimeoutMs,
             Wire::heartbeatDefaultMs * Wire::missedHeartbeatsBeforeDead);
    QCOMPARE(sse.reconnectDelayMs(), Wire::retryDefaultMs);
}

void tst_WireContract::watchHelpStatesTheContract() {
    QProcess cli;
    cli.start(QStringLiteral(PUSHLAB_CLI), {QStringLiteral("watch"), QStringLiteral("--help")});
    QVERIFY(cli.waitForFinished(10000));
    QCOMPARE(cli.exitCode(), 0);
    const QString help = squeezed(QString::fromUtf8(cli.readAllStandardOutput()));
    const QString expected = QStringLiteral("Long-poll timeout in s, %1..%2 (default %3).")
                                 .arg(Wire::longPollMinTimeoutS)
                                 .arg(Wire::longPollMaxTimeoutS)
                                 .arg(Wire::longPollDefaultTimeoutS);
    QVERIFY2(help.contains(expected), qPrintable(help));
}

void tst_WireContract::contractJsHoldsEachValue_data() {
    QTest::addColumn<QString>("line"); // as pushlab_contractjs writes it, trimmed
    const auto number = [](const char *name, int value) {
        QTest::newRow(name) << QStringLiteral("%1: %2,").arg(QLatin1String(name)).arg(value);
    };
    const auto string = [](const char *name, const char *value) {
        QTest::newRow(name) << QStringLiteral("%1: %2,").arg(QLatin1String(name), quoted(value));
    };
    number("longPollDefaultTimeoutS", Wire::longPollDefaultTimeoutS);
    number("longPollMinTimeoutS", Wire::longPollMinTimeoutS);
    number("longPollMaxTimeoutS", Wire::longPollMaxTimeoutS);
    number("seedWaitDefaultS", Wire::seedWaitDefaultS);
    number("heartbeatDefaultMs", Wire::heartbeatDefaultMs);
    number("heartbeatMinMs", Wire::heartbeatMinMs);
    number("heartbeatMaxMs", Wire::heartbeatMaxMs);
    number("retryDefaultMs", Wire::retryDefaultMs);
    number("missedHeartbeatsBeforeDead", Wire::missedHeartbeatsBeforeDead);
    string("heartbeatHeader", Wire::heartbeatHeader);
    string("lastIdHeader", Wire::lastIdHeader);
    string("webSocketPath", Wire::webSocketPath);
    number("webSocketMaxClientMessageBytes", Wire::webSocketMaxClientMessageBytes);
    string("messageEvent", Wire::messageEvent);
    string("gapEvent", Wire::gapEvent);
    string("id", Wire::Key::id);
    string("text", Wire::Key::text);
    string("publishedAt", Wire::Key::publishedAt);
    string("messages", Wire::Key::messages);
    string("lastId", Wire::Key::lastId);
    string("gap", Wire::Key::gap);
    string("lastSeenId", Wire::Key::lastSeenId);
    string("firstAvailableId", Wire::Key::firstAvailableId);
    string("reason", Wire::Key::reason);
    string("error", Wire::Key::error);
    string("evicted", Wire::GapReason::evicted);
    string("restart", Wire::GapReason::restart);
    string("unknown", Wire::GapReason::unknown);
}

void tst_WireContract::contractJsHoldsEachValue() {
    QFETCH(QString, line);
    const QString js = readText(QStringLiteral(PUSHLAB_CONTRACT_JS));
    QVERIFY2(!js.isEmpty(),
             PUSHLAB_CONTRACT_JS " is missing: build the pushlab_contract_js target");
    QStringList lines = js.split(QLatin1Char('\n'));
    for (QString &l : lines)
        l = l.trimmed();
    QVERIFY2(lines.contains(line), qPrintable(js));
}

void tst_WireContract::copiesStateTheContract_data() {
    QTest::addColumn<QString>("file"); // relative to the source tree
    QTest::addColumn<QString>("phrase");
    const QString defaultS = QString::number(Wire::longPollDefaultTimeoutS);
    const QString minS = QString::number(Wire::longPollMinTimeoutS);
    const QString maxS = QString::number(Wire::longPollMaxTimeoutS);
    const QString heartbeatS = seconds(Wire::heartbeatDefaultMs);
    const QString retryMs = QString::number(Wire::retryDefaultMs);
    const QString silenceS = seconds(Wire::heartbeatDefaultMs * Wire::missedHeartbeatsBeforeDead);
    const QString client = QStringLiteral("docs/client.md");
    const QString web = QStringLiteral("docs/web.md");
    const QString window = QStringLiteral("docs/window.md");
    const QString readme = QStringLiteral("README.md");
    const QString go = QStringLiteral("bench/peers/go/main.go");
    const auto row = [](const QString &file, const char *what, const QString &phrase) {
        QTest::addRow("%s: %s", qPrintable(file), what) << file << phrase;
    };

    row(client, "watch --timeout",
        QStringLiteral("%1..%2 s (default %3)").arg(minS, maxS, defaultS));
    row(client, "the example's long poll", QStringLiteral("&timeout=%1").arg(defaultS));
    row(client, "missed heartbeats",
        QStringLiteral("silent for %1 heartbeat intervals").arg(Wire::missedHeartbeatsBeforeDead));
    row(client, "the presumed heartbeat",
        QStringLiteral("presumed to send one every %1 s").arg(heartbeatS));
    row(client, "the silence that makes",
        QStringLiteral("which makes %1 s of silence").arg(silenceS));
    row(client, "the heartbeat header", QLatin1String(Wire::heartbeatHeader));

    row(web, "the long-poll select",
        QStringLiteral("(default %1 s; the server takes %2..%3)").arg(defaultS, minS, maxS));
    row(web, "retry", QStringLiteral("`retry: %1`").arg(retryMs));

    row(window, "long-poll timeout setting",
        QStringLiteral("long-poll timeout (%1 to %2 s, default %3 s)").arg(minS, maxS, defaultS));
    row(window, "retry", QStringLiteral("the server's `retry:`, %1 ms").arg(retryMs));

    row(readme, "long-poll route",
        QStringLiteral("204 after S seconds (default %1, %2..%3)").arg(defaultS, minS, maxS));
    row(readme, "X-Last-Id", QStringLiteral("with `%1`").arg(QLatin1String(Wire::lastIdHeader)));
    row(readme, "SSE route retry", QStringLiteral("`retry: %1`").arg(retryMs));
    row(readme, "SSE route heartbeat", QStringLiteral("`: heartbeat` every %1 s").arg(heartbeatS));
    row(readme, "seed long poll",
        QStringLiteral("`No new messages` after %1 s").arg(Wire::seedWaitDefaultS));
    row(readme, "--heartbeat",
        QStringLiteral("the SSE comment heartbeat (default %1 s)").arg(heartbeatS));
    row(readme, "the heartbeat header",
        QStringLiteral("`%1` header (milliseconds)").arg(QLatin1String(Wire::heartbeatHeader)));
    row(readme, "missed heartbeats",
        QStringLiteral("presumes a stream dead after %1 such intervals")
            .arg(word(Wire::missedHeartbeatsBeforeDead)));
    row(readme, "watch --timeout", QStringLiteral("(long poll, %1..%2)").arg(minS, maxS));

    row(go, "heartbeat", QStringLiteral("time.Tick(%1 * time.Second)").arg(heartbeatS));
    row(go, "long-poll default", QStringLiteral("timeout := %1").arg(defaultS));
    row(go, "long-poll minimum", QStringLiteral("if timeout < %1 { timeout = %1 }").arg(minS));
    row(go, "long-poll maximum", QStringLiteral("else if timeout > %1 { timeout = %1 }").arg(maxS));
    row(go, "retry", QStringLiteral("retry: %1\\n").arg(retryMs));
}

void tst_WireContract::copiesStateTheContract() {
    QFETCH(QString, file);
    QFETCH(QString, phrase);
    const QString text = readText(QStringLiteral(PUSHLAB_SOURCE_DIR "/") + file);
    QVERIFY2(!text.isEmpty(), qPrintable(file + QStringLiteral(" cannot be read")));
    QVERIFY2(squeezed(text).contains(squeezed(phrase)),
             qPrintable(QStringLiteral("%1 no longer says \"%2\": bring it in line with "
                                       "common/wirecontract.h")
                            .arg(file, phrase)));
}

QTEST_GUILESS_MAIN(tst_WireContract)
#include "tst_wirecontract.moc"
