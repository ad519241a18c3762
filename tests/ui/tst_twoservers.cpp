// The window with two servers sharing one history (--redis): lanes on A, the composer
// publishing through B; a typed message reaches every lane, its latency the hop through Redis.
#include "composer.h"
#include "lanepanel.h"
#include "mainwindow.h"
#include "messageracemodel.h"
#include "pattern.h"
#include "patternclient.h"
#include "rawhttp.h"
#include "redisprocess.h"
#include "serverbar.h"
#include "serverhost.h"

#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QSettings>
#include <QtCore/QStandardPaths>
#include <QtTest/QTest>
#include <QtWidgets/QLineEdit>

#include <memory>

using PushLab::Pattern;
using namespace Qt::StringLiterals;

class TestTwoServers final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void lanesOnAPublishThroughB();
};

void TestTwoServers::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(u"PushLabTest"_s);
    QCoreApplication::setApplicationName(u"tst_twoservers"_s);
    QSettings().clear();
    if (RedisProcess::binary().isEmpty())
        QSKIP("redis-server is not installed (scripts/setup.sh test installs it)");
}

void TestTwoServers::lanesOnAPublishThroughB() {
    RedisProcess redis(false);
    QVERIFY(redis.start());
    ServerConfig config;
    config.port = 0;
    config.redisUrl = redis.url();
    ServerHost a(config);
    ServerHost b(config);
    QString error;
    QVERIFY2(a.start(&error) && b.start(&error), qPrintable(error));

    MainWindow window;
    window.setPublishServer(b.url());
    window.setServer(a.url(), MainWindow::ServerMode::Remote);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.serverBar()->serverText().contains(u"publishing through"_s));
    QVERIFY(window.serverBar()->serverText().contains(b.url().toString()));

    // Every lane of A can see a message published now: the short poll knows "now", a long
    // poll waits, the stream and the WebSocket are open (A's own count, from /api/stats).
    const auto open = [&a](Pattern p) {
        RawHttp stats(a.port());
        stats.get("/api/stats");
        const QJsonObject o = QJsonDocument::fromJson(stats.read().body).object();
        return o.value(u"patterns"_s)
            .toObject()
            .value(PushLab::patternKey(p))
            .toObject()
            .value(u"open"_s)
            .toInt();
    };
    const auto &shortLane = window.timelineModel().lane(Pattern::ShortPoll);
    QTRY_VERIFY_WITH_TIMEOUT(std::any_of(shortLane.spans.begin(), shortLane.spans.end(),
                                         [](const TimelineSpan &s) { return !s.isOpen(); }),
                             10000);
    QTRY_VERIFY_WITH_TIMEOUT(open(Pattern::LongPoll) >= 1 && open(Pattern::ServerSentEvents) >= 1 &&
                                 open(Pattern::WebSocket) >= 1,
                             10000);

    QLineEdit *edit = window.composer()->lineEdit();
    edit->setFocus();
    QTest::keyClicks(edit, u"through B"_s);
    QTest::keyClick(edit, Qt::Key_Return);
    for (Pattern p : PushLab::allPatterns) {
        QTRY_COMPARE_WITH_TIMEOUT(window.laneSummary(p).messages, qint64(1), 15000);
        QCOMPARE(window.laneSummary(p).latencyCount, qint64(1));
    }
    // The race table has the one message, from B, with a latency per lane (the hop).
    MessageRaceModel *race = window.raceModel();
    QTRY_COMPARE(race->rowCount(), 1);
    QCOMPARE(race->row(0).text, u"through B"_s);
    for (Pattern p : PushLab::allPatterns)
        QVERIFY(race->row(0).latencyUs[p] >= 0);
    QTRY_VERIFY(window.composer()->statusText().contains(b.url().toString()));
    // Published on B, counted on A: the servers are one history.
    RawHttp poll(a.port());
    poll.get("/api/messages?since=0");
    QVERIFY(poll.read().body.contains("\"through B\""));

    // With B gone, publishing fails (it went to B, not A), and A's lanes carry on.
    b.stop();
    QTest::keyClicks(edit, u"B is gone"_s);
    QTest::keyClick(edit, Qt::Key_Return);
    QTRY_VERIFY_WITH_TIMEOUT(window.composer()->statusText().startsWith(u"Publish failed"_s),
                             15000);
    QCOMPARE(window.laneSummary(Pattern::ServerSentEvents).messages, qint64(1));
    QVERIFY(window.client(Pattern::ServerSentEvents)->isRunning());
}

QTEST_MAIN(TestTwoServers)
#include "tst_twoservers.moc"
