// The window against a real server on a loopback port: what a user types shows up in every
// lane's counts; pause, clear, export, close streams and the port-in-use banner behave.
#include "composer.h"
#include "crowdcontroller.h"
#include "crowdpanel.h"
#include "lanepanel.h"
#include "laneview.h"
#include "mainwindow.h"
#include "messageracemodel.h"
#include "pushserver.h"
#include "serverbar.h"
#include "timelineviewport.h"
#include "trafficlogmodel.h"
#include "windowtest.h"
#include "wirecontract.h"

#include <QtCore/QDeadlineTimer>
#include <QtCore/QDir>
#include <QtCore/QElapsedTimer>
#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QSettings>
#include <QtCore/QStandardPaths>
#include <QtCore/QTemporaryDir>
#include <QtNetwork/QTcpSocket>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>
#include <QtWidgets/QApplication>
#include <QtWidgets/QCheckBox>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QSpinBox>
#include <QtWidgets/QStatusBar>
#include <QtWidgets/QTabWidget>
#include <QtWidgets/QToolTip>

#include <memory>

using PushLab::Pattern;
using namespace Qt::StringLiterals;

class TestMainWindow final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void typedMessageReachesAllThreeLanes();
    void spacePausesButTypesInTheTextField();
    void clearResetsEverything();
    void exportWritesTheLog();
    void closeStreamsMakesSseReconnectWithoutLoss();
    void browserPeersAreToldApart();
    void portInUseOffersAnotherPort();
    void laneSettingsSurviveARestart();
    void laneSettingsFollowTheWireContract();
    void hoveringAnArrivalExplainsIt();
    void crowdTabWatchesTheSameServer();
    void repaintsAreThrottledNotPerMessage();
    void screenshotAfterRealTraffic();
    void burstSharesOneShortPollAnswer();

private:
    // Waits until every lane can see a message published now (the short poll knows "now",
    // a long poll is parked, the stream is open).
    bool waitUntilLanesReady();
    void send(const QString &text);
    bool waitForDelivery(int messagesPerLane);

    std::unique_ptr<PushServer> m_server;
    std::unique_ptr<MainWindow> m_window;
};

void TestMainWindow::initTestCase() {
    PushLab::Test::useTestSettings(QStringLiteral("tst_mainwindow"));
}

void TestMainWindow::init() {
    QSettings().clear();
    ServerConfig config;
    config.port = 0;
    m_server = std::make_unique<PushServer>(config);
    QString error;
    QVERIFY2(m_server->listen(&error), qPrintable(error));
    m_window = PushLab::Test::showWindowOn(m_server->port());
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void TestMainWindow::cleanup() {
    m_window.reset();
    if (m_server)
        m_server->shutdown();
    m_server.reset();
}

bool TestMainWindow::waitUntilLanesReady() {
    const auto ready = [this] {
        const auto &shortLane = m_window->timelineModel().lane(Pattern::ShortPoll);
        const bool shortKnowsNow = std::any_of(shortLane.spans.begin(), shortLane.spans.end(),
                                               [](const TimelineSpan &s) { return !s.isOpen(); });
        return shortKnowsNow && m_server->waitingPollCount() >= 1 &&
               m_server->openStreamCount() >= 1 && m_server->openWebSocketCount() >= 1;
    };
    return QTest::qWaitFor(ready, 10000);
}

void TestMainWindow::send(const QString &text) {
    QLineEdit *edit = m_window->composer()->lineEdit();
    edit->setFocus();
    QTest::keyClicks(edit, text);
    QTest::keyClick(edit, Qt::Key_Return);
}

bool TestMainWindow::waitForDelivery(int messagesPerLane) {
    return QTest::qWaitFor(
        [&] {
            for (Pattern p : PushLab::allPatterns) {
                if (m_window->laneSummary(p).messages < messagesPerLane)
                    return false;
            }
            return true;
        },
        15000);
}

void TestMainWindow::typedMessageReachesAllThreeLanes() {
    QVERIFY(waitUntilLanesReady());
    send(QStringLiteral("hello from the test"));
    QVERIFY(m_window->composer()->lineEdit()->text().isEmpty()); // sent, field cleared
    for (Pattern p : PushLab::allPatterns) {
        QTRY_COMPARE_WITH_TIMEOUT(m_window->laneSummary(p).messages, qint64(1), 15000);
        // What the user reads in the lane's panel (refreshed a few times a second).
        QTRY_COMPARE(m_window->lanePanel(p)->countText(QStringLiteral("messages")),
                     QStringLiteral("1"));
        QVERIFY(m_window->laneSummary(p).latencyCount == 1);
        // One sample: its count is shown, and no tail percentiles are made up from it.
        LanePanel *panel = m_window->lanePanel(p);
        QCOMPARE(panel->countText(QStringLiteral("n")), QStringLiteral("n=1"));
        QCOMPARE(panel->countText(QStringLiteral("p95")), QStringLiteral("–"));
        QCOMPARE(panel->countText(QStringLiteral("p99")), QStringLiteral("–"));
        QVERIFY(panel->countText(QStringLiteral("p50")) != QStringLiteral("–"));
    }
    // Exactly one message went over the wire, and the race table says who won.
    QCOMPARE(m_server->log().publishedCount(), qint64(1));
    MessageRaceModel *race = m_window->raceModel();
    QTRY_COMPARE(race->rowCount(), 1);
    QCOMPARE(race->row(0).text, QStringLiteral("hello from the test"));
    QTRY_VERIFY(race->row(0).winner().has_value());
    for (Pattern p : PushLab::allPatterns)
        QVERIFY(race->row(0).latencyUs[p] >= 0);
    // And the timeline has its guide and one arrival per lane.
    QCOMPARE(m_window->timelineModel().guides().size(), size_t(1));
    for (Pattern p : PushLab::allPatterns)
        QCOMPARE(m_window->timelineModel().lane(p).arrivals.size(), size_t(1));
}

void TestMainWindow::spacePausesButTypesInTheTextField() {
    QVERIFY(waitUntilLanesReady());
    QLineEdit *edit = m_window->composer()->lineEdit();
    edit->setFocus();
    QTest::keyClicks(edit, QStringLiteral("a b"));
    QCOMPARE(edit->text(), QStringLiteral("a b"));
    QVERIFY(!m_window->isPaused());
    edit->clear();

    LaneView *lane = m_window->laneView(Pattern::LongPoll);
    lane->setFocus();
    QTest::keyClick(lane, Qt::Key_Space);
    QVERIFY(m_window->isPaused());
    const TimelineGeometry frozen = m_window->viewport()->geometry();
    // Traffic keeps coming in while paused; the view stays where the user left it.
    send(QStringLiteral("while paused"));
    QVERIFY(waitForDelivery(1));
    QCOMPARE(m_window->viewport()->geometry().startUs(), frozen.startUs());
    QCOMPARE(m_window->viewport()->geometry().spanUs(), frozen.spanUs());
    // Paused, the wheel zooms and a drag pans.
    QWheelEvent wheel(QPointF(200, 20), lane->mapToGlobal(QPointF(200, 20)), QPoint(),
                      QPoint(0, 120), Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(lane, &wheel);
    QVERIFY(m_window->viewport()->spanUs() < frozen.spanUs());
    const qint64 startBeforeDrag = m_window->viewport()->geometry().startUs();
    QTest::mousePress(lane, Qt::LeftButton, {}, QPoint(300, 30));
    QTest::mouseMove(lane, QPoint(400, 30));
    QTest::mouseRelease(lane, Qt::LeftButton, {}, QPoint(400, 30));
    QVERIFY(m_window->viewport()->geometry().startUs() < startBeforeDrag); // earlier times

    lane->setFocus();
    QTest::keyClick(lane, Qt::Key_Space);
    QVERIFY(!m_window->isPaused());
    QTRY_VERIFY(m_window->viewport()->geometry().endUs() > frozen.endUs()); // follows live again
}

void TestMainWindow::clearResetsEverything() {
    QVERIFY(waitUntilLanesReady());
    send(QStringLiteral("one"));
    QVERIFY(waitForDelivery(1));
    QTRY_VERIFY(m_window->logModel()->rowCount() > 0);
    QTest::keyClick(m_window.get(), Qt::Key_L, Qt::ControlModifier);
    for (Pattern p : PushLab::allPatterns) {
        QCOMPARE(m_window->laneSummary(p).messages, qint64(0));
        QCOMPARE(m_window->lanePanel(p)->countText(QStringLiteral("messages")),
                 QStringLiteral("0"));
        QVERIFY(m_window->timelineModel().lane(p).arrivals.empty());
    }
    QCOMPARE(m_window->logModel()->rowCount(), 0);
    QCOMPARE(m_window->raceModel()->rowCount(), 0);
    QVERIFY(m_window->timelineModel().guides().empty());
    // And the lanes carry on counting from zero.
    send(QStringLiteral("two"));
    QVERIFY(waitForDelivery(1));
    QCOMPARE(m_window->raceModel()->rowCount(), 1);
}

void TestMainWindow::exportWritesTheLog() {
    QVERIFY(waitUntilLanesReady());
    send(QStringLiteral("exported, with a comma"));
    QVERIFY(waitForDelivery(1));
    QTemporaryDir dir;
    QVERIFY(dir.isValid());

    const QString csvPath = dir.filePath(QStringLiteral("log.csv"));
    QString error;
    QVERIFY2(m_window->exportLog(csvPath, MainWindow::ExportFormat::Csv, &error),
             qPrintable(error));
    QFile csv(csvPath);
    QVERIFY(csv.open(QIODevice::ReadOnly));
    const QByteArray text = csv.readAll();
    QVERIFY(text.startsWith("time_us,time,pattern,event,request_id,status,bytes,message_count"));
    QVERIFY(text.contains(",short,response,"));
    QVERIFY(text.contains(",long,response,"));
    QVERIFY(text.contains(",sse,event,"));
    QVERIFY(text.contains("\"exported, with a comma\""));
    const int rows = int(text.count('\n')) - 1;
    QCOMPARE(rows, m_window->logModel()->rowCount());

    // The pattern filter applies to the export too.
    auto *sseBox = m_window->findChild<QCheckBox *>(QStringLiteral("logFilter_sse"));
    QVERIFY(sseBox);
    sseBox->setChecked(false);
    const QString jsonPath = dir.filePath(QStringLiteral("log.json"));
    QVERIFY(m_window->exportLog(jsonPath, MainWindow::ExportFormat::Json, &error));
    QFile json(jsonPath);
    QVERIFY(json.open(QIODevice::ReadOnly));
    const QJsonArray events =
        QJsonDocument::fromJson(json.readAll()).object().value(u"events").toArray();
    QVERIFY(!events.isEmpty());
    bool sawLongDelivery = false;
    for (const QJsonValue &v : events) {
        const QJsonObject o = v.toObject();
        QVERIFY(o.value(u"pattern").toString() != QLatin1String("sse"));
        if (o.value(u"pattern").toString() == QLatin1String("long") &&
            o.value(u"messageCount").toInt() == 1) {
            sawLongDelivery = true;
            QCOMPARE(o.value(u"text").toString(), QStringLiteral("exported, with a comma"));
            QVERIFY(o.value(u"latencyMinMs").toDouble() >= 0);
        }
    }
    QVERIFY(sawLongDelivery);
    QVERIFY(!m_window->exportLog(dir.filePath(QStringLiteral("no/such/dir/x.csv")),
                                 MainWindow::ExportFormat::Csv, &error));
    QVERIFY(!error.isEmpty());
}

void TestMainWindow::closeStreamsMakesSseReconnectWithoutLoss() {
    QVERIFY(waitUntilLanesReady());
    send(QStringLiteral("before"));
    QVERIFY(waitForDelivery(1));
    QList<QPushButton *> buttons = m_window->serverBar()->findChildren<QPushButton *>();
    QPushButton *closeButton = nullptr;
    for (QPushButton *b : buttons) {
        if (b->text() == QLatin1String("Close streams"))
            closeButton = b;
    }
    QVERIFY(closeButton);
    QVERIFY(waitUntilLanesReady()); // the long poll answered "before" is parked again
    const qint64 longPollRequests = m_window->laneSummary(Pattern::LongPoll).requests;
    QTest::mouseClick(closeButton, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->laneSummary(Pattern::ServerSentEvents).reconnects >= 1,
                             10000);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->laneSummary(Pattern::WebSocket).reconnects >= 1, 10000);
    // Only the event stream and the WebSocket were closed, and the window says so; the waiting
    // long poll stays.
    QTRY_VERIFY(m_window->statusBar()->currentMessage().startsWith(
        QLatin1String("The server closed 2 stream(s)")));
    QCOMPARE(m_window->laneSummary(Pattern::LongPoll).requests, longPollRequests);
    // The stream comes back (Last-Event-ID) and the next message reaches every lane.
    QVERIFY(waitUntilLanesReady());
    send(QStringLiteral("after"));
    QVERIFY(waitForDelivery(2));
    QCOMPARE(m_window->laneSummary(Pattern::ServerSentEvents).missing, qint64(0));
    QCOMPARE(m_window->laneSummary(Pattern::WebSocket).missing, qint64(0));
    const auto &markers = m_window->timelineModel().lane(Pattern::ServerSentEvents).markers;
    QVERIFY(std::any_of(markers.begin(), markers.end(), [](const TimelineMarker &m) {
        return m.kind == TimelineMarker::Kind::Reconnect;
    }));
}

void TestMainWindow::browserPeersAreToldApart() {
    QVERIFY(waitUntilLanesReady());
    QTcpSocket browser;
    browser.connectToHost(QHostAddress::LocalHost, m_server->port());
    QVERIFY(browser.waitForConnected(5000));
    browser.write("GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                  "User-Agent: Mozilla/5.0 (X11; Linux x86_64) Chrome/120\r\n\r\n");
    QTRY_VERIFY_WITH_TIMEOUT(
        m_window->serverBar()->peersText().contains(QLatin1String("(1 other)")), 10000);
    QVERIFY(m_window->serverBar()->peersText().contains(QLatin1String("SSE <b>2</b>")));
    browser.abort();
}

void TestMainWindow::portInUseOffersAnotherPort() {
    MainWindow window;
    window.showServerProblem(QStringLiteral("port 8050 is already in use"), 8050);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.serverProblemBanner()->isVisible());
    QVERIFY(!window.composer()->isEnabled());
    QVERIFY(!window.lanePanel(Pattern::LongPoll)->isEnabled());
    QSignalSpy spy(&window, &MainWindow::startServerRequested);
    QPushButton *any = nullptr, *thisPort = nullptr;
    for (QPushButton *b : window.serverProblemBanner()->findChildren<QPushButton *>()) {
        if (b->text() == QLatin1String("Start on any free port"))
            any = b;
        if (b->text() == QLatin1String("Start on this port"))
            thisPort = b;
    }
    QVERIFY(any && thisPort);
    QTest::mouseClick(thisPort, Qt::LeftButton);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).value<quint16>(), quint16(8051)); // the next port is offered
    QTest::mouseClick(any, Qt::LeftButton);
    QCOMPARE(spy.at(1).at(0).value<quint16>(), quint16(0));
    // Once a server runs, the banner goes away.
    window.setServer(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_server->port())),
                     MainWindow::ServerMode::Embedded);
    QVERIFY(!window.serverProblemBanner()->isVisible());
    QVERIFY(window.composer()->isEnabled());
    QVERIFY(window.lanePanel(Pattern::LongPoll)->isEnabled());
}

void TestMainWindow::laneSettingsSurviveARestart() {
    m_window->lanePanel(Pattern::ShortPoll)->setSetting(450);
    m_window->lanePanel(Pattern::LongPoll)->setSetting(12);
    m_window->close(); // saves
    m_window = std::make_unique<MainWindow>();
    QCOMPARE(m_window->lanePanel(Pattern::ShortPoll)->setting(), 450);
    QCOMPARE(m_window->lanePanel(Pattern::LongPoll)->setting(), 12);
}

void TestMainWindow::laneSettingsFollowTheWireContract() {
    // A fresh window asks for the server's default long-poll timeout, offers only what the
    // server accepts, and names the retry: every stream starts with.
    LanePanel *longPoll = m_window->lanePanel(Pattern::LongPoll);
    QCOMPARE(longPoll->setting(), PushLab::Wire::longPollDefaultTimeoutS);
    longPoll->setSetting(PushLab::Wire::longPollMaxTimeoutS + 1);
    QCOMPARE(longPoll->setting(), PushLab::Wire::longPollMaxTimeoutS);
    longPoll->setSetting(PushLab::Wire::longPollMinTimeoutS - 1);
    QCOMPARE(longPoll->setting(), PushLab::Wire::longPollMinTimeoutS);
    auto *sseSetting = m_window->lanePanel(Pattern::ServerSentEvents)->findChild<QSpinBox *>();
    QVERIFY(sseSetting);
    QCOMPARE(sseSetting->value(), 0);
    // The special text stands alone (no prefix or suffix): it says what the number is.
    QCOMPARE(sseSetting->specialValueText(),
             QStringLiteral("reconnect %1 ms (server)").arg(PushLab::Wire::retryDefaultMs));
}

void TestMainWindow::hoveringAnArrivalExplainsIt() {
    QVERIFY(waitUntilLanesReady());
    send(QStringLiteral("hover me"));
    QVERIFY(waitForDelivery(1));
    m_window->setPaused(true); // hold still while the mouse is over the mark
    LaneView *lane = m_window->laneView(Pattern::ShortPoll);
    const TimelineArrival arrival =
        m_window->timelineModel().lane(Pattern::ShortPoll).arrivals.front();
    const double x = m_window->viewport()->geometry().xForTime(arrival.timeUs);
    QVERIFY(x >= 0 && x <= lane->width());
    const QPoint pos(qRound(x), lane->height() / 3);
    QHelpEvent help(QEvent::ToolTip, pos, lane->mapToGlobal(pos));
    QApplication::sendEvent(lane, &help);
    QTRY_VERIFY(QToolTip::isVisible());
    const QString tip = QToolTip::text();
    QVERIFY2(tip.contains(QLatin1String("hover me")), qPrintable(tip));
    QVERIFY2(tip.contains(QLatin1String("latency")), qPrintable(tip));
    QVERIFY2(tip.contains(QString::number(arrival.id)), qPrintable(tip));
    QToolTip::hideText();
}

void TestMainWindow::crowdTabWatchesTheSameServer() {
    auto *tabs = m_window->findChild<QTabWidget *>();
    QVERIFY(tabs);
    QCOMPARE(tabs->count(), 3);
    QCOMPARE(tabs->widget(2), m_window->crowdPanel());
    QCOMPARE(m_window->crowdPanel()->controller()->baseUrl(), m_window->serverUrl());
}

void TestMainWindow::repaintsAreThrottledNotPerMessage() {
    QVERIFY(waitUntilLanesReady());
    LaneView *lane = m_window->laneView(Pattern::ServerSentEvents);
    lane->resetPaintStats();
    QElapsedTimer clock;
    clock.start();
    for (int i = 0; i < 300; ++i)
        m_server->publish(QStringLiteral("burst %1").arg(i));
    QVERIFY(waitForDelivery(300));
    const qint64 elapsedMs = clock.elapsed();
    const qint64 paints = lane->paintStats().paints;
    // At most one paint per 16 ms frame (with slack for the first and the exposures): an upper
    // bound, so a slow machine only makes it easier to meet.
    QVERIFY2(paints <= elapsedMs / 16 + 10,
             qPrintable(
                 QStringLiteral("%1 paints in %2 ms for 300 messages").arg(paints).arg(elapsedMs)));
    QVERIFY(paints < 300);
}

void TestMainWindow::screenshotAfterRealTraffic() {
    m_window->resize(1280, 800);
    QVERIFY(waitUntilLanesReady());
    const QStringList texts{QStringLiteral("hello"), QStringLiteral("second message"),
                            QStringLiteral("third")};
    for (int i = 0; i < texts.size(); ++i) {
        send(texts[i]);
        QVERIFY(waitForDelivery(i + 1));
        // Not synchronisation: spacing for the picture, so each guide stands apart on the axis.
        const QDeadlineTimer spacing(1200);
        QVERIFY(QTest::qWaitFor([&spacing] { return spacing.hasExpired(); }, 5000));
    }
    // The counts refresh a few times a second: wait until the panels show the last message.
    for (Pattern p : PushLab::allPatterns)
        QTRY_COMPARE(m_window->lanePanel(p)->countText(QStringLiteral("messages")),
                     QString::number(texts.size()));
    const QString dir = qEnvironmentVariable("PUSHLAB_SCREENSHOT_DIR", QDir::tempPath());
    QVERIFY(QDir().mkpath(dir));
    const QString path = QDir(dir).filePath(QStringLiteral("mainwindow.png"));
    QVERIFY(m_window->grab().save(path));
    qInfo("screenshot: %s", qPrintable(path));
    // The traffic log tab too.
    auto *tabs = m_window->findChild<QTabWidget *>();
    QVERIFY(tabs);
    tabs->setCurrentIndex(1);
    QTRY_VERIFY(m_window->logModel()->rowCount() > 0);
    const QString logPath = QDir(dir).filePath(QStringLiteral("mainwindow-log.png"));
    QVERIFY(m_window->grab().save(logPath));
    qInfo("screenshot: %s", qPrintable(logPath));
    tabs->setCurrentIndex(2);
    const QString crowdPath = QDir(dir).filePath(QStringLiteral("mainwindow-crowd.png"));
    QVERIFY(m_window->grab().save(crowdPath));
    tabs->setCurrentIndex(0);
}

void TestMainWindow::burstSharesOneShortPollAnswer() {
    // Four messages within a fraction of the short poll's 1 s interval: one poll brings several.
    m_window->resize(1280, 800);
    QVERIFY(waitUntilLanesReady());
    const QStringList texts{u"one"_s, u"window"_s, u"three"_s, u"four"_s};
    for (const QString &t : texts)
        send(t);
    QVERIFY(waitForDelivery(int(texts.size())));
    MessageRaceModel *race = m_window->raceModel();
    QTRY_COMPARE(race->rowCount(), int(texts.size()));
    // What the table says for the messages that rode along: which answer brought them, not
    // "0 req"; and no lane is named the winner by a lead the window cannot measure.
    int alongside = 0;
    for (int r = 0; r < race->rowCount(); ++r) {
        const QString shortPoll =
            race->index(r, MessageRaceModel::columnFor(Pattern::ShortPoll)).data().toString();
        QVERIFY2(!shortPoll.contains(u"0 req"_s), qPrintable(shortPoll));
        alongside += shortPoll.contains(u"same answer"_s) ? 1 : 0;
        const MessageRaceModel::Row &row = race->row(r);
        const QString first = race->index(r, MessageRaceModel::FirstColumn).data().toString();
        if (row.leadUs() >= 0 && row.leadUs() < MessageRaceModel::TieFloorUs)
            QVERIFY2(first.startsWith(u"tie: "_s), qPrintable(first));
    }
    QVERIFY(alongside >= 1);
    for (Pattern p : PushLab::allPatterns)
        QTRY_COMPARE(m_window->lanePanel(p)->countText(u"messages"_s),
                     QString::number(texts.size()));
    const QString dir = qEnvironmentVariable("PUSHLAB_SCREENSHOT_DIR", QDir::tempPath());
    QVERIFY(QDir().mkpath(dir));
    const QString path = QDir(dir).filePath(u"mainwindow-burst.png"_s);
    QVERIFY(m_window->grab().save(path));
    qInfo("screenshot: %s", qPrintable(path));
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
