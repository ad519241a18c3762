// The crowd view against a real server: simulated clients in a separate process show up on
// the server, and the panel shows what each pattern costs.

#include "crowdcontroller.h"
#include "crowdpanel.h"
#include "pushserver.h"
#include "statspoller.h"

#include <QtCore/QDir>
#include <QtTest/QtTest>
#include <QtWidgets/QApplication>

using PushLab::Pattern;

class TestCrowdPanel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void crowdsAppearOnTheServerAndCostWhatTheyCost();
    void missingCliIsAClearError();
};

void TestCrowdPanel::crowdsAppearOnTheServerAndCostWhatTheyCost() {
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
    StatsPoller poller;
    poller.setBaseUrl(url);
    connect(&poller, &StatsPoller::statsUpdated, &panel, &CrowdPanel::setStats);
    poller.start(250);

    panel.setClients(Pattern::ShortPoll, 60);
    panel.toggle(Pattern::ShortPoll);
    panel.setClients(Pattern::ServerSentEvents, 40);
    panel.toggle(Pattern::ServerSentEvents);
    QTRY_COMPARE_WITH_TIMEOUT(server.openStreamCount(), 40, 20000);
    QTRY_VERIFY_WITH_TIMEOUT(server.counters(Pattern::ShortPoll).requests > 200, 20000);

    // 60 short pollers asking once a second: about 60 requests a second with no news at all
    // (the stats are polled 4 times a second here; the meter still shows a per-second rate,
    // and the pollers do not all ask in the same instant); 40 streams: 40 open, and no
    // requests once they are connected.
    QTRY_VERIFY_WITH_TIMEOUT(
        qAbs(panel.meter().cost(Pattern::ShortPoll).requestsPerSecond - 60.0) <= 15.0, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(panel.meter().cost(Pattern::ServerSentEvents).open, qint64(40),
                              10000);
    QTRY_COMPARE_WITH_TIMEOUT(panel.meter().cost(Pattern::ServerSentEvents).requestsPerSecond, 0.0,
                              10000);
    QVERIFY2(panel.costText(Pattern::ServerSentEvents).startsWith(QLatin1String("open 40,")),
             qPrintable(panel.costText(Pattern::ServerSentEvents)));

    if (const QByteArray dir = qgetenv("PUSHLAB_SCREENSHOT_DIR"); !dir.isEmpty()) {
        QDir().mkpath(QString::fromLocal8Bit(dir));
        panel.grab().save(QString::fromLocal8Bit(dir) + QStringLiteral("/crowd.png"));
    }

    panel.toggle(Pattern::ShortPoll);
    panel.toggle(Pattern::ServerSentEvents);
    QVERIFY(!panel.controller()->isRunning(Pattern::ShortPoll));
    QTRY_COMPARE_WITH_TIMEOUT(server.openStreamCount(), 0, 10000);
    poller.stop();
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
