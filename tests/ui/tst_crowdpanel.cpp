// The crowd view against a real server: simulated clients in a separate process show up on
// the server, and the panel shows what each pattern costs.

#include "clock.h"
#include "crowdcontroller.h"
#include "crowdpanel.h"
#include "pushserver.h"
#include "serverstats.h"

#include <QtCore/QDir>
#include <QtTest/QtTest>
#include <QtWidgets/QApplication>

#include <optional>

using PushLab::Pattern;

class TestCrowdPanel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void crowdsAppearOnTheServerAndCostWhatTheyCost();
    void missingCliIsAClearError();
};

namespace {

// The server's own counters, as the window's stats poller would fetch them.
ServerStats snapshot(PushServer &server) {
    const std::optional<ServerStats> stats = ServerStats::fromJson(server.statsJson());
    if (!stats)
        qFatal("the server's stats do not parse");
    return *stats;
}

// One snapshot handed to the panel, with the monotonic clock read either side of it: the panel
// stamps the snapshot somewhere in [beforeMs, afterMs].
struct ShownSnapshot {
    ServerStats stats;
    qint64 beforeMs = 0;
    qint64 afterMs = 0;
};

ShownSnapshot showSnapshot(PushServer &server, CrowdPanel &panel) {
    ShownSnapshot shown;
    shown.beforeMs = PushLab::monotonicMs();
    shown.stats = snapshot(server);
    panel.setStats(shown.stats);
    shown.afterMs = PushLab::monotonicMs();
    return shown;
}

} // namespace

void TestCrowdPanel::crowdsAppearOnTheServerAndCostWhatTheyCost() {
    constexpr int shortPollers = 60;
    constexpr int streams = 40;
    constexpr int intervalMs = 1000; // the panel's default interval
    ServerConfig config;
    config.port = 0;
    PushServer server(config);
    QVERIFY(server.listen());
    const QUrl url(QStringLiteral("http://127.0.0.1:%1/").arg(server.port()));

    CrowdPanel panel;
    panel.controller()->setCliPath(QStringLiteral(PUSHLAB_CLI));
    panel.setServerUrl(url);
    panel.resize(1000, 320);
    panel.show();

    panel.setClients(Pattern::ShortPoll, shortPollers);
    panel.toggle(Pattern::ShortPoll);
    panel.setClients(Pattern::ServerSentEvents, streams);
    panel.toggle(Pattern::ServerSentEvents);
    QTRY_COMPARE_WITH_TIMEOUT(server.openStreamCount(), streams, 20000);
    QTRY_VERIFY_WITH_TIMEOUT(server.counters(Pattern::ShortPoll).requests > 200, 20000);

    // The rates the panel shows are what the server counted over the panel's window, however
    // fast this machine runs the crowd's processes: two snapshots a window apart, and the
    // pollers' requests between them counted, not timed.
    const ShownSnapshot first = showSnapshot(server, panel);
    QVERIFY(!panel.meter().hasRates());
    QVERIFY2(panel.costText(Pattern::ShortPoll).contains(QStringLiteral("requests –")),
             qPrintable(panel.costText(Pattern::ShortPoll)));
    const qint64 requestsBefore = first.stats.patterns[Pattern::ShortPoll].requests;
    QTRY_VERIFY_WITH_TIMEOUT(PushLab::monotonicMs() - first.afterMs >= ServerCostMeter::windowMs &&
                                 server.counters(Pattern::ShortPoll).requests >=
                                     requestsBefore + shortPollers,
                             30000);
    const ShownSnapshot second = showSnapshot(server, panel);
    QVERIFY(panel.meter().hasRates());

    const qint64 requests = second.stats.patterns[Pattern::ShortPoll].requests - requestsBefore;
    const qint64 longestMs = second.afterMs - first.beforeMs;
    const qint64 shortestMs = qMax<qint64>(1, second.beforeMs - first.afterMs);
    const double shown = panel.meter().cost(Pattern::ShortPoll).requestsPerSecond;
    QVERIFY2(shown >= requests * 1000.0 / longestMs && shown <= requests * 1000.0 / shortestMs,
             qPrintable(QStringLiteral("shows %1 /s for %2 requests in %3..%4 ms")
                            .arg(shown)
                            .arg(requests)
                            .arg(shortestMs)
                            .arg(longestMs)));
    // Each poller pauses an interval after each answer: in a window of T ms it asks at most
    // T / interval + 1 times, so the crowd cannot have cost more than that (counts, not speed).
    QVERIFY2(requests >= shortPollers && requests <= shortPollers * (longestMs / intervalMs + 2),
             qPrintable(QStringLiteral("%1 requests in %2 ms").arg(requests).arg(longestMs)));
    QVERIFY2(panel.costText(Pattern::ShortPoll).contains(QStringLiteral("requests ")) &&
                 !panel.costText(Pattern::ShortPoll).contains(QStringLiteral("requests 0 /s")),
             qPrintable(panel.costText(Pattern::ShortPoll)));

    // 40 streams: 40 open, and no requests once they are connected.
    QCOMPARE(panel.meter().cost(Pattern::ServerSentEvents).open, qint64(streams));
    QCOMPARE(panel.meter().cost(Pattern::ServerSentEvents).requestsPerSecond, 0.0);
    QVERIFY2(panel.costText(Pattern::ServerSentEvents).startsWith(QLatin1String("open 40,")),
             qPrintable(panel.costText(Pattern::ServerSentEvents)));
    QVERIFY2(panel.costText(Pattern::ServerSentEvents).contains(QLatin1String("requests 0 /s")),
             qPrintable(panel.costText(Pattern::ServerSentEvents)));

    if (const QByteArray dir = qgetenv("PUSHLAB_SCREENSHOT_DIR"); !dir.isEmpty()) {
        QDir().mkpath(QString::fromLocal8Bit(dir));
        panel.grab().save(QString::fromLocal8Bit(dir) + QStringLiteral("/crowd.png"));
    }

    panel.toggle(Pattern::ShortPoll);
    panel.toggle(Pattern::ServerSentEvents);
    QVERIFY(!panel.controller()->isRunning(Pattern::ShortPoll));
    QTRY_COMPARE_WITH_TIMEOUT(server.openStreamCount(), 0, 10000);
}

void TestCrowdPanel::missingCliIsAClearError() {
    CrowdController controller;
    controller.setCliPath(QStringLiteral("/nonexistent/pushlab-cli"));
    controller.setBaseUrl(QUrl(QStringLiteral("http://127.0.0.1:9/")));
    QSignalSpy failed(&controller, &CrowdController::failed);
    controller.setCrowd(Pattern::LongPoll, 10);
    QCOMPARE(failed.count(), 1);
    QVERIFY(failed.first().at(1).toString().contains(QLatin1String("missing")));
    QCOMPARE(controller.clients(Pattern::LongPoll), 0);
}

QTEST_MAIN(TestCrowdPanel)
#include "tst_crowdpanel.moc"
