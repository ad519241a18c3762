// The network lab in the window, against a real server on a loopback port: a 4G burst shows
// what a long poll's round trips cost, a flaky link's drops are marked and recovered with
// nothing lost, a buffering proxy holds only the stream and the window says why.
#include "composer.h"
#include "labtour.h"
#include "laneclients.h"
#include "lanepanel.h"
#include "linkbar.h"
#include "mainwindow.h"
#include "messageracemodel.h"
#include "pushserver.h"
#include "testserver.h"
#include "windowtest.h"

#include <QtCore/QDir>
#include <QtCore/QSettings>
#include <QtCore/QStandardPaths>
#include <QtTest/QTest>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QPushButton>

#include <algorithm>
#include <memory>

using PushLab::Pattern;

namespace {

// Each lane's delivered ids, in arrival order, off the timeline the user sees.
QList<quint64> arrivedIds(const MainWindow &window, Pattern p) {
    QList<quint64> ids;
    for (const TimelineArrival &a : window.timelineModel().lane(p).arrivals)
        ids.append(a.id);
    return ids;
}

qint64 latencyUs(const MainWindow &window, Pattern p, quint64 id) {
    for (const TimelineArrival &a : window.timelineModel().lane(p).arrivals) {
        if (a.id == id)
            return a.latencyUs;
    }
    return -1;
}

int linkMarkers(const MainWindow &window, Pattern p, const QString &detailPart) {
    const auto &markers = window.timelineModel().lane(p).markers;
    return int(std::count_if(markers.begin(), markers.end(), [&](const TimelineMarker &m) {
        return m.kind == TimelineMarker::Kind::Link && m.detail.contains(detailPart);
    }));
}

} // namespace

class TestNetworkLab final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void fourGBurstShowsTheLongPollsRoundTrips();
    void flakyMobileDropsAreMarkedAndNothingIsLost();
    void bufferingProxyHoldsOnlyTheStreamAndSaysWhy();
    void theToursBurstRunsOnItsLinkAndSaysWhatToWatch();

private:
    bool waitUntilLanesListen(bool streamHeadVisible = true);
    QList<quint64> publishBurst(int count, const QString &prefix);
    bool waitForAll(const QList<quint64> &ids, int timeoutMs);
    void screenshot(const QString &name);

    std::unique_ptr<PushServer> m_server;
    std::unique_ptr<MainWindow> m_window;
};

void TestNetworkLab::initTestCase() {
    PushLab::Test::useTestSettings(QStringLiteral("tst_networklab"));
}

void TestNetworkLab::init() {
    QSettings().clear();
    m_server = PushLab::Test::startServer();
    QVERIFY(m_server->port() != 0);
    m_window = PushLab::Test::showWindowOn(m_server->port());
    m_window->resize(1280, 860);
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void TestNetworkLab::cleanup() {
    m_window.reset();
    m_server->shutdown();
    m_server.reset();
}

bool TestNetworkLab::waitUntilLanesListen(bool streamHeadVisible) {
    return QTest::qWaitFor(
        [&] {
            const auto &shortLane = m_window->timelineModel().lane(Pattern::ShortPoll);
            const bool shortAnswered =
                std::any_of(shortLane.spans.begin(), shortLane.spans.end(),
                            [](const TimelineSpan &s) { return !s.isOpen(); });
            const bool streamOpen =
                !streamHeadVisible ||
                !m_window->timelineModel().lane(Pattern::ServerSentEvents).spans.empty();
            return shortAnswered && streamOpen && m_server->waitingPollCount() >= 1 &&
                   m_server->openStreamCount() >= 1 && m_server->openWebSocketCount() >= 1;
        },
        15000);
}

QList<quint64> TestNetworkLab::publishBurst(int count, const QString &prefix) {
    // Straight on the server, all within a millisecond or two: the burst's spread is not
    // the window's publisher's.
    QList<quint64> ids;
    for (int i = 1; i <= count; ++i)
        ids.append(m_server->publish(QStringLiteral("%1 %2").arg(prefix).arg(i)).id);
    return ids;
}

bool TestNetworkLab::waitForAll(const QList<quint64> &ids, int timeoutMs) {
    return QTest::qWaitFor(
        [&] {
            for (Pattern p : PushLab::allPatterns) {
                const QList<quint64> got = arrivedIds(*m_window, p);
                if (!std::all_of(ids.begin(), ids.end(),
                                 [&](quint64 id) { return got.contains(id); }))
                    return false;
            }
            return true;
        },
        timeoutMs);
}

void TestNetworkLab::screenshot(const QString &name) {
    // The panels refresh a few times a second: the picture shows the counts the test saw.
    for (Pattern p : PushLab::allPatterns)
        QTRY_COMPARE(m_window->lanePanel(p)->countText(QStringLiteral("messages")),
                     QString::number(m_window->laneSummary(p).messages));
    const QString dir = qEnvironmentVariable("PUSHLAB_SCREENSHOT_DIR", QDir::tempPath());
    QVERIFY(QDir().mkpath(dir));
    const QString path = QDir(dir).filePath(name);
    QVERIFY(m_window->grab().save(path));
    qInfo("screenshot: %s", qPrintable(path));
}

void TestNetworkLab::fourGBurstShowsTheLongPollsRoundTrips() {
    m_window->linkBar()->setPreset(QStringLiteral("4g"));
    QVERIFY(waitUntilLanesListen());
    const QList<quint64> burst = publishBurst(5, QStringLiteral("burst"));
    QVERIFY(waitForAll(burst, 20000));

    const int roundTripMs = 170;
    // SSE and the WebSocket: every message about one way's latency after it was published.
    for (Pattern p : {Pattern::ServerSentEvents, Pattern::WebSocket}) {
        for (quint64 id : burst) {
            const qint64 l = latencyUs(*m_window, p, id);
            QVERIFY2(l >= (roundTripMs / 2 - 10) * 1000, qPrintable(QString::number(l)));
        }
    }
    // The long poll: its first answer crosses once like a stream's; the rest wait for the next
    // request to cross up and its answer to cross down — a round trip more than the stream.
    const qint64 firstLong = latencyUs(*m_window, Pattern::LongPoll, burst.first());
    const qint64 firstSse = latencyUs(*m_window, Pattern::ServerSentEvents, burst.first());
    const qint64 lastLong = latencyUs(*m_window, Pattern::LongPoll, burst.last());
    const qint64 lastSse = latencyUs(*m_window, Pattern::ServerSentEvents, burst.last());
    qInfo("4G burst: long poll first %.1f ms last %.1f ms; SSE first %.1f ms last %.1f ms",
          double(firstLong) / 1000, double(lastLong) / 1000, double(firstSse) / 1000,
          double(lastSse) / 1000);
    QVERIFY(firstLong >= (roundTripMs / 2 - 10) * 1000);
    QVERIFY2(lastLong - lastSse >= (roundTripMs - 40) * 1000,
             "the long poll's last message did not pay an extra round trip");
    // ... in fewer answers than messages: what arrived meanwhile came batched.
    int answersWithMessages = 0;
    for (const TimelineSpan &s : m_window->timelineModel().lane(Pattern::LongPoll).spans)
        answersWithMessages += s.messages > 0 && !s.isOpen() ? 1 : 0;
    QVERIFY2(answersWithMessages < burst.size(), qPrintable(QString::number(answersWithMessages)));

    // The race table names a winner only where the lead is real: after the first message
    // the polls are a round trip behind and never among the leaders; between the stream and
    // the WebSocket (the same link, each its own jitter) it is a tie exactly when their
    // latencies are closer than the tie rule's threshold.
    MessageRaceModel *race = m_window->raceModel();
    for (int r = 0; r < race->rowCount(); ++r) {
        const MessageRaceModel::Row &row = race->row(r);
        if (!burst.contains(row.id) || row.id == burst.first())
            continue;
        const std::vector<Pattern> leaders = row.tied();
        QVERIFY(!leaders.empty());
        for (Pattern p : leaders)
            QVERIFY(p == Pattern::ServerSentEvents || p == Pattern::WebSocket);
        const qint64 sse = row.latencyUs[Pattern::ServerSentEvents];
        const qint64 ws = row.latencyUs[Pattern::WebSocket];
        const bool close = std::abs(sse - ws) < MessageRaceModel::tieThresholdUs(std::min(sse, ws));
        QCOMPARE(row.isTie(), close);
        QCOMPARE(race->data(race->index(r, MessageRaceModel::FirstColumn))
                     .toString()
                     .startsWith(QLatin1String("tie")),
                 close);
    }
    screenshot(QStringLiteral("network-lab-4g.png"));
}

void TestNetworkLab::flakyMobileDropsAreMarkedAndNothingIsLost() {
    m_window->linkBar()->setPreset(QStringLiteral("flaky"));
    QVERIFY(waitUntilLanesListen());
    auto *drop = m_window->linkBar()->findChild<QPushButton *>();
    QVERIFY(drop && drop->isEnabled());
    QList<quint64> published;
    for (int round = 0; round < 3; ++round) {
        published += publishBurst(3, QStringLiteral("round %1").arg(round));
        QVERIFY(waitForAll(published, 30000));
        QTest::mouseClick(drop, Qt::LeftButton); // a drop while the lanes listen
        published += publishBurst(2, QStringLiteral("while down %1").arg(round));
        QVERIFY(waitForAll(published, 30000));
        QVERIFY(waitUntilLanesListen());
    }
    for (Pattern p : PushLab::allPatterns) {
        // Every message exactly once, in order, on every lane.
        QCOMPARE(arrivedIds(*m_window, p), published);
        const LatencySummary s = m_window->laneSummary(p);
        QCOMPARE(s.missing, 0);
        QCOMPARE(s.duplicates, 0);
        // Each drop (the button's, and any the 10 s schedule made) is a mark on the lane.
        QCOMPARE(linkMarkers(*m_window, p, QStringLiteral("dropped")), int(s.linkDrops));
    }
    // A stream notices each drop and reconnects once for it; a long poll's HTTP client resends
    // the request it lost, so its lane marks the drop without a reconnect of its own.
    for (Pattern p : {Pattern::ServerSentEvents, Pattern::WebSocket}) {
        const LatencySummary s = m_window->laneSummary(p);
        QVERIFY(s.linkDrops >= 3);
        QCOMPARE(s.reconnects, s.linkDrops);
    }
    screenshot(QStringLiteral("network-lab-flaky.png"));
}

void TestNetworkLab::bufferingProxyHoldsOnlyTheStreamAndSaysWhy() {
    m_window->linkBar()->setPreset(QStringLiteral("buffering-proxy"));
    QVERIFY(waitUntilLanesListen(false));
    const QList<quint64> few = publishBurst(3, QStringLiteral("small news"));
    for (Pattern p : {Pattern::ShortPoll, Pattern::LongPoll, Pattern::WebSocket})
        QTRY_COMPARE_WITH_TIMEOUT(arrivedIds(*m_window, p), few, 15000);
    QVERIFY(arrivedIds(*m_window, Pattern::ServerSentEvents).isEmpty());
    QCOMPARE(linkMarkers(*m_window, Pattern::ServerSentEvents, QStringLiteral("holds")), 1);
    QVERIFY(m_window->linkBar()->statusText().contains(QLatin1String("X-Accel-Buffering")));
    screenshot(QStringLiteral("network-lab-buffering.png"));

    // Enough to fill the proxy's 4 KiB: the stream gets everything at once.
    QList<quint64> all = few;
    for (int i = 0; i < 6; ++i)
        all += publishBurst(8, QStringLiteral("filler %1").arg(i));
    QTRY_VERIFY_WITH_TIMEOUT(arrivedIds(*m_window, Pattern::ServerSentEvents).size() >= 30, 15000);
    const QList<quint64> sse = arrivedIds(*m_window, Pattern::ServerSentEvents);
    QCOMPARE(sse, all.mid(0, sse.size()));
}

void TestNetworkLab::theToursBurstRunsOnItsLinkAndSaysWhatToWatch() {
    m_window->tour()->start(0); // "4G: a burst of 5 messages"
    for (Pattern p : PushLab::allPatterns)
        QCOMPARE(m_window->linkBar()->presetKey(p), QStringLiteral("4g"));
    QVERIFY(m_window->linkBar()->statusText().contains(QLatin1String("round trip")));
    // Published by the window itself after the lanes settled on the new link.
    for (Pattern p : PushLab::allPatterns)
        QTRY_COMPARE_WITH_TIMEOUT(m_window->laneSummary(p).messages, qint64(5), 20000);
    QVERIFY(!m_window->tour()->isRunning());
    for (Pattern p : PushLab::allPatterns)
        QCOMPARE(m_window->laneSummary(p).missing, 0);
    screenshot(QStringLiteral("network-lab-tour.png"));
}

QTEST_MAIN(TestNetworkLab)
#include "tst_networklab.moc"
