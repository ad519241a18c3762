#include "mainwindow.h"

#include "clock.h"
#include "composer.h"
#include "crowdpanel.h"
#include "labtour.h"
#include "laneclients.h"
#include "lanepanel.h"
#include "laneview.h"
#include "linkbar.h"
#include "messageracemodel.h"
#include "patternclient.h"
#include "publisher.h"
#include "serverbar.h"
#include "serverproblembanner.h"
#include "statspoller.h"
#include "streamcloser.h"
#include "timelinepane.h"
#include "timelineviewport.h"
#include "trafficlogfiltermodel.h"
#include "trafficlogmodel.h"
#include "trafficlogpane.h"
#include "units.h"
#include "windowmenus.h"

#include <QtCore/QLoggingCategory>
#include <QtCore/QSettings>
#include <QtCore/QTimer>
#include <QtGui/QClipboard>
#include <QtGui/QCloseEvent>
#include <QtGui/QDesktopServices>
#include <QtGui/QGuiApplication>
#include <QtWidgets/QHeaderView>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QSplitter>
#include <QtWidgets/QStatusBar>
#include <QtWidgets/QTabWidget>
#include <QtWidgets/QTableView>
#include <QtWidgets/QVBoxLayout>

Q_LOGGING_CATEGORY(lcWindow, "pushlab.ui.window")

using PushLab::Pattern;

namespace {

constexpr int FrameIntervalMs = 16; // ~60 Hz: the display rate, never once per message
constexpr int SlowIntervalMs = 250;

QString settingKey(Pattern p) {
    return QStringLiteral("lanes/") + PushLab::patternKey(p) + QStringLiteral("/setting");
}

} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent) {
    setWindowTitle(tr("PushLab"));
    m_log = new TrafficLogModel(this);
    m_logFilter = new TrafficLogFilterModel(this);
    m_logFilter->setSourceModel(m_log);
    m_race = new MessageRaceModel(this);
    m_viewport = new TimelineViewport(this);
    m_viewport->advance(PushLab::wallClockUs());

    m_lanes = new LaneClients(this);
    m_publisher = new Publisher(this);
    m_statsPoller = new StatsPoller(this);
    m_streamCloser = new StreamCloser(this);
    m_tour = new LabTour(this);

    buildUi();
    connectParts();
    loadSettings();

    m_frameTimer = new QTimer(this);
    m_frameTimer->setTimerType(Qt::PreciseTimer);
    connect(m_frameTimer, &QTimer::timeout, this, &MainWindow::onFrame);
    m_frameTimer->start(FrameIntervalMs);
    m_slowTimer = new QTimer(this);
    connect(m_slowTimer, &QTimer::timeout, this, &MainWindow::onSlowTick);
    m_slowTimer->start(SlowIntervalMs);
}

MainWindow::~MainWindow() {
    // The clients, publisher and poller are children, deleted after this body and after the
    // models: whatever they emit while dying (Stopped, an aborted publish) must not reach us.
    m_lanes->disconnect(this);
    m_publisher->disconnect(this);
    m_statsPoller->disconnect();
}

void MainWindow::buildUi() {
    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(8, 6, 8, 4);
    layout->setSpacing(6);

    m_problem = new ServerProblemBanner(central);
    layout->addWidget(m_problem);
    m_serverBar = new ServerBar(central);
    layout->addWidget(m_serverBar);
    m_composer = new Composer(central);
    layout->addWidget(m_composer);
    m_linkBar = new LinkBar(central);
    layout->addWidget(m_linkBar);

    m_splitter = new QSplitter(Qt::Vertical, central);
    m_splitter->setChildrenCollapsible(false);
    m_timelinePane = new TimelinePane(&m_timeline, m_viewport, m_splitter);
    m_splitter->addWidget(m_timelinePane);

    auto *tabs = new QTabWidget(m_splitter);
    m_tabs = tabs;
    tabs->addTab(buildRaceTable(tabs), tr("Messages — which pattern delivered first"));
    m_logPane = new TrafficLogPane(m_log, m_logFilter, tabs);
    tabs->addTab(m_logPane, tr("Traffic log"));
    m_crowd = new CrowdPanel(tabs);
    tabs->addTab(m_crowd, tr("Crowd — what each pattern costs the server"));
    m_splitter->addWidget(tabs);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    layout->addWidget(m_splitter, 1);
    setCentralWidget(central);

    m_limits = new QLabel(this);
    updateLimitsLabel();
    statusBar()->addPermanentWidget(m_limits);
    resize(1280, 800);
}

QWidget *MainWindow::buildRaceTable(QWidget *parent) {
    auto *view = new QTableView(parent);
    view->setModel(m_race);
    view->setAlternatingRowColors(true);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->verticalHeader()->hide();
    view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    view->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    view->horizontalHeader()->setStretchLastSection(true);
    view->setColumnWidth(MessageRaceModel::IdColumn, 140);
    view->setColumnWidth(MessageRaceModel::TextColumn, 240);
    for (Pattern p : PushLab::allPatterns)
        view->setColumnWidth(MessageRaceModel::columnFor(p), 160);
    return view;
}

void MainWindow::connectParts() {
    connect(m_problem, &ServerProblemBanner::startServerRequested, this,
            &MainWindow::startServerRequested);
    connect(m_problem, &ServerProblemBanner::watchRequested, this, [this](quint16 port) {
        setServer(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)), ServerMode::Remote);
    });

    connect(m_composer, &Composer::publishRequested, this, &MainWindow::publish);
    connect(m_serverBar, &ServerBar::copyUrlRequested, this, [this] {
        QGuiApplication::clipboard()->setText(m_serverUrl.toString());
        statusBar()->showMessage(tr("Copied %1").arg(m_serverUrl.toString()), 3000);
    });
    connect(m_serverBar, &ServerBar::openInBrowserRequested, this,
            [this] { QDesktopServices::openUrl(m_serverUrl); });
    connect(m_serverBar, &ServerBar::closeStreamsRequested, this, &MainWindow::closeStreams);
    connect(m_streamCloser, &StreamCloser::finished, this,
            [this](const QString &message) { statusBar()->showMessage(message, 6000); });

    auto *menus = new WindowMenus(this, m_viewport);
    connect(menus, &WindowMenus::exportRequested, this, &MainWindow::exportWithDialog);
    connect(menus, &WindowMenus::clearRequested, this, &MainWindow::clearAll);
    connect(menus, &WindowMenus::copyUrlRequested, m_serverBar, &ServerBar::copyUrlRequested);
    connect(menus, &WindowMenus::openInBrowserRequested, m_serverBar,
            &ServerBar::openInBrowserRequested);
    connect(menus, &WindowMenus::closeStreamsRequested, this, &MainWindow::closeStreams);

    connect(m_lanes, &LaneClients::trafficEvent, this, &MainWindow::onTrafficEvent);
    connect(m_linkBar, &LinkBar::linkChosen, this,
            [this](Pattern p, const std::optional<LinkConditions> &conditions) {
                QString error;
                if (!m_lanes->setLink(p, conditions, &error))
                    statusBar()->showMessage(error, 8000);
            });
    connect(m_linkBar, &LinkBar::tourRequested, m_tour, &LabTour::start);
    connect(m_tour, &LabTour::presetRequested, m_linkBar,
            qOverload<const QString &>(&LinkBar::setPreset));
    connect(m_tour, &LabTour::lessonChanged, m_linkBar, &LinkBar::showLesson);
    connect(m_tour, &LabTour::publishRequested, this, &MainWindow::publish);
    connect(m_tour, &LabTour::crowdRequested, this, [this](int pollers) {
        m_crowd->setClients(Pattern::ShortPoll, pollers);
        m_crowd->toggle(Pattern::ShortPoll);
        m_tabs->setCurrentWidget(m_crowd);
    });
    connect(m_linkBar, &LinkBar::dropRequested, this, [this] {
        for (Pattern p : PushLab::allPatterns)
            m_lanes->dropLink(p, LinkConditions::DropMode::Reset);
    });
    connect(m_lanes, &LaneClients::runningChanged, this, [this](Pattern p, bool running) {
        lanePanel(p)->setRunning(running);
        laneView(p)->setRunning(running);
    });
    for (Pattern p : PushLab::allPatterns) {
        PatternClient *c = client(p);
        connect(lanePanel(p), &LanePanel::settingChanged, this,
                [this, p](int value) { m_lanes->applySetting(p, value); });
        connect(lanePanel(p), &LanePanel::startStopClicked, c, [c](bool start) {
            if (start)
                c->start();
            else
                c->stop();
        });
        lanePanel(p)->setRunning(c->isRunning());
        laneView(p)->setRunning(c->isRunning());
    }

    connect(m_publisher, &Publisher::published, this, [this](const DeliveredMessage &m) {
        m_timeline.addPublished(m);
        m_race->addPublished(m);
        if (!m_composer->isAutoPublishing())
            m_composer->setStatus(m_publishUrl.isEmpty()
                                      ? tr("Published %1").arg(m_race->displayId(m.id))
                                      : tr("Published %1 through %2")
                                            .arg(m_race->displayId(m.id), m_publishUrl.toString()));
    });
    connect(m_publisher, &Publisher::failed, this, [this](const QString &error) {
        m_composer->setStatus(tr("Publish failed: %1").arg(error), true);
    });
    connect(m_statsPoller, &StatsPoller::statsUpdated, m_serverBar, &ServerBar::setStats);
    connect(m_statsPoller, &StatsPoller::statsUpdated, m_crowd, &CrowdPanel::setStats);
    connect(m_statsPoller, &StatsPoller::statsUpdated, m_race, &MessageRaceModel::setRunFrom);
    connect(m_statsPoller, &StatsPoller::unreachable, m_serverBar, &ServerBar::setUnreachable);
}

PatternClient *MainWindow::client(Pattern p) const {
    return m_lanes->client(p);
}

LanePanel *MainWindow::lanePanel(Pattern p) const {
    return m_timelinePane->lanePanel(p);
}

LaneView *MainWindow::laneView(Pattern p) const {
    return m_timelinePane->laneView(p);
}

QFrame *MainWindow::serverProblemBanner() const {
    return m_problem;
}

void MainWindow::setServer(const QUrl &url, ServerMode mode) {
    m_serverUrl = url;
    m_problem->hide();
    setWindowTitle(tr("PushLab — %1").arg(url.toString()));
    m_serverBar->setServer(url, mode == ServerMode::Embedded);
    m_lanes->setServer(url);
    m_publisher->setBaseUrl(publishServerUrl());
    m_serverBar->setPublishServer(m_publishUrl);
    m_crowd->setServerUrl(url);
    m_statsPoller->setBaseUrl(url);
    m_statsPoller->start(1000);
    m_composer->setEnabled(true);
    m_timelinePane->setLanesEnabled(true);
    m_composer->lineEdit()->setFocus();
    qCDebug(lcWindow) << "watching" << url;
}

void MainWindow::setPublishServer(const QUrl &url) {
    m_publishUrl = url;
    m_publisher->setBaseUrl(publishServerUrl());
    m_serverBar->setPublishServer(url);
}

QUrl MainWindow::publishServerUrl() const {
    return m_publishUrl.isEmpty() ? m_serverUrl : m_publishUrl;
}

void MainWindow::showServerProblem(const QString &message, quint16 failedPort) {
    m_problem->showProblem(message, failedPort);
    m_composer->setEnabled(false);
    // Nothing to talk to: the lanes cannot be started until a server runs.
    m_timelinePane->setLanesEnabled(false);
    m_serverBar->setNoServer();
    setWindowTitle(tr("PushLab — no server"));
}

void MainWindow::onTrafficEvent(const TrafficEvent &event) {
    m_timeline.addTrafficEvent(event);
    m_log->append(event);
    m_race->addTrafficEvent(event);
    if (event.kind == TrafficEvent::Kind::Link)
        m_linkBar->noteLinkEvent(event);
}

void MainWindow::onFrame() {
    // Live follow moves the axis (the viewport repaints the views when it moved); new traffic
    // repaints them once per frame however many events arrived since the last one.
    const bool moved = m_viewport->advance(PushLab::wallClockUs());
    if (!moved && m_timeline.revision() != m_paintedRevision)
        m_timelinePane->repaintTraffic();
    m_paintedRevision = m_timeline.revision();
}

void MainWindow::onSlowTick() {
    m_logPane->flushFollowing();
    for (Pattern p : PushLab::allPatterns)
        lanePanel(p)->setSummary(laneSummary(p));
    lanePanel(Pattern::ServerSentEvents)->setServerReconnectMs(m_lanes->sseReconnectDelayMs());
    if (++m_slowTicks % 4 == 0)
        m_timeline.prune(PushLab::wallClockUs());
}

LatencySummary MainWindow::laneSummary(Pattern p) const {
    return m_lanes->summary(p);
}

void MainWindow::publish(const QString &text) {
    if (m_serverUrl.isEmpty())
        return;
    m_publisher->publish(text);
}

void MainWindow::closeStreams() {
    if (m_serverUrl.isEmpty())
        return;
    m_streamCloser->closeStreams(m_serverUrl);
}

void MainWindow::clearAll() {
    m_timeline.clear();
    m_lanes->clearStats();
    m_log->clear();
    m_race->clear();
    for (Pattern p : PushLab::allPatterns)
        lanePanel(p)->setSummary({});
    statusBar()->showMessage(tr("Cleared"), 2000);
}

void MainWindow::setPaused(bool paused) {
    m_viewport->setPaused(paused);
}

bool MainWindow::isPaused() const {
    return m_viewport->isPaused();
}

bool MainWindow::exportLog(const QString &path, ExportFormat format, QString *error) {
    return TrafficLogExporter(m_log, m_logFilter).write(path, format, error);
}

void MainWindow::exportWithDialog(ExportFormat format) {
    const QString done = TrafficLogExporter(m_log, m_logFilter).writeWithDialog(this, format);
    if (!done.isEmpty())
        statusBar()->showMessage(done, 4000);
}

void MainWindow::setTimelineRetentionUs(qint64 us) {
    m_timeline.setRetentionUs(us);
    m_timeline.prune(PushLab::wallClockUs());
    updateLimitsLabel();
}

void MainWindow::updateLimitsLabel() {
    m_limits->setText(tr("Timeline keeps the last %1 · log keeps the last %2 events · "
                         "table keeps %3 messages")
                          .arg(Units::span(m_timeline.retentionUs()))
                          .arg(QLocale().toString(m_log->maxRows()))
                          .arg(m_race->maxRows()));
}

void MainWindow::loadSettings() {
    QSettings s;
    if (const QByteArray g = s.value(QStringLiteral("window/geometry")).toByteArray(); !g.isEmpty())
        restoreGeometry(g);
    if (const QByteArray sp = s.value(QStringLiteral("window/splitter")).toByteArray();
        !sp.isEmpty())
        m_splitter->restoreState(sp);
    for (Pattern p : PushLab::allPatterns) {
        const QVariant v = s.value(settingKey(p));
        if (v.isValid())
            lanePanel(p)->setSetting(v.toInt());
        m_lanes->applySetting(p, lanePanel(p)->setting());
    }
    m_viewport->setSpanUs(
        s.value(QStringLiteral("timeline/spanUs"), TimelineGeometry::DefaultSpanUs).toLongLong());
    m_composer->setAutoRate(s.value(QStringLiteral("composer/autoRate"), 1.0).toDouble());
}

void MainWindow::saveSettings() const {
    QSettings s;
    s.setValue(QStringLiteral("window/geometry"), saveGeometry());
    s.setValue(QStringLiteral("window/splitter"), m_splitter->saveState());
    for (Pattern p : PushLab::allPatterns)
        s.setValue(settingKey(p), lanePanel(p)->setting());
    s.setValue(QStringLiteral("timeline/spanUs"), m_viewport->spanUs());
    s.setValue(QStringLiteral("composer/autoRate"), m_composer->autoRate());
}

void MainWindow::closeEvent(QCloseEvent *event) {
    saveSettings();
    m_composer->setAutoPublish(false);
    m_lanes->stopAll();
    QMainWindow::closeEvent(event);
}
