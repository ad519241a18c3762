#include "mainwindow.h"

#include "clock.h"
#include "composer.h"
#include "crowdpanel.h"
#include "lanepanel.h"
#include "laneview.h"
#include "longpollclient.h"
#include "messageracemodel.h"
#include "patterntheme.h"
#include "publisher.h"
#include "serverbar.h"
#include "shortpollclient.h"
#include "sseclient.h"
#include "statspoller.h"
#include "timeaxisview.h"
#include "timelinelegend.h"
#include "timelineviewport.h"
#include "trafficlogfiltermodel.h"
#include "trafficlogmodel.h"
#include "units.h"

#include <QtCore/QFile>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QLoggingCategory>
#include <QtCore/QSaveFile>
#include <QtCore/QSettings>
#include <QtCore/QTimer>
#include <QtGui/QAction>
#include <QtGui/QClipboard>
#include <QtGui/QCloseEvent>
#include <QtGui/QDesktopServices>
#include <QtGui/QGuiApplication>
#include <QtGui/QKeySequence>
#include <QtNetwork/QNetworkAccessManager>
#include <QtNetwork/QNetworkReply>
#include <QtNetwork/QNetworkRequest>
#include <QtWidgets/QApplication>
#include <QtWidgets/QCheckBox>
#include <QtWidgets/QFileDialog>
#include <QtWidgets/QGridLayout>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QHeaderView>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QMenuBar>
#include <QtWidgets/QMessageBox>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QScrollBar>
#include <QtWidgets/QSpinBox>
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

    m_short = new ShortPollClient(this);
    m_long = new LongPollClient(this);
    m_sse = new SseClient(this);
    m_clients[Pattern::ShortPoll] = m_short;
    m_clients[Pattern::LongPoll] = m_long;
    m_clients[Pattern::ServerSentEvents] = m_sse;
    m_publisher = new Publisher(this);
    m_statsPoller = new StatsPoller(this);
    m_network = new QNetworkAccessManager(this);

    buildUi();
    buildMenus();
    connectClients();
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
    for (PatternClient *c : m_clients)
        c->disconnect(this);
    m_publisher->disconnect(this);
    m_statsPoller->disconnect();
}

void MainWindow::buildUi() {
    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(8, 6, 8, 4);
    layout->setSpacing(6);

    // Shown only when the embedded server could not start.
    m_problem = new QFrame(central);
    m_problem->setObjectName(QStringLiteral("serverProblem"));
    m_problem->setStyleSheet(
        QStringLiteral("#serverProblem { background: %1; border: 1px solid %2; "
                       "border-radius: 4px; }")
            .arg(PatternTheme::pausedBanner().name(), PatternTheme::errorColor().name()));
    auto *problemLayout = new QHBoxLayout(m_problem);
    m_problemText = new QLabel(m_problem);
    m_problemText->setWordWrap(true);
    m_problemPort = new QSpinBox(m_problem);
    m_problemPort->setRange(1, 65535);
    m_problemPort->setPrefix(tr("port "));
    auto *tryPort = new QPushButton(tr("Start on this port"), m_problem);
    auto *anyPort = new QPushButton(tr("Start on any free port"), m_problem);
    m_watchInstead = new QPushButton(m_problem);
    problemLayout->addWidget(m_problemText, 1);
    problemLayout->addWidget(m_problemPort);
    problemLayout->addWidget(tryPort);
    problemLayout->addWidget(anyPort);
    problemLayout->addWidget(m_watchInstead);
    m_problem->hide();
    connect(tryPort, &QPushButton::clicked, this,
            [this] { Q_EMIT startServerRequested(quint16(m_problemPort->value())); });
    connect(anyPort, &QPushButton::clicked, this, [this] { Q_EMIT startServerRequested(0); });
    connect(m_watchInstead, &QPushButton::clicked, this, [this] {
        setServer(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_failedPort)),
                  ServerMode::Remote);
    });
    layout->addWidget(m_problem);

    m_serverBar = new ServerBar(central);
    layout->addWidget(m_serverBar);
    m_composer = new Composer(central);
    layout->addWidget(m_composer);

    m_splitter = new QSplitter(Qt::Vertical, central);
    m_splitter->setChildrenCollapsible(false);
    m_splitter->addWidget(buildTimeline());

    m_tabs = new QTabWidget(m_splitter);
    m_raceView = new QTableView(m_tabs);
    m_raceView->setModel(m_race);
    m_raceView->setAlternatingRowColors(true);
    m_raceView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_raceView->verticalHeader()->hide();
    m_raceView->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_raceView->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    m_raceView->horizontalHeader()->setStretchLastSection(true);
    m_raceView->setColumnWidth(MessageRaceModel::IdColumn, 140);
    m_raceView->setColumnWidth(MessageRaceModel::TextColumn, 240);
    for (Pattern p : PushLab::allPatterns)
        m_raceView->setColumnWidth(MessageRaceModel::columnFor(p), 160);
    m_tabs->addTab(m_raceView, tr("Messages — which pattern delivered first"));
    m_tabs->addTab(buildLog(), tr("Traffic log"));
    m_crowd = new CrowdPanel(m_tabs);
    m_tabs->addTab(m_crowd, tr("Crowd — what each pattern costs the server"));
    m_splitter->addWidget(m_tabs);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    layout->addWidget(m_splitter, 1);
    setCentralWidget(central);

    m_limits = new QLabel(this);
    updateLimitsLabel();
    statusBar()->addPermanentWidget(m_limits);

    connect(m_composer, &Composer::publishRequested, this, &MainWindow::publish);
    connect(m_serverBar, &ServerBar::copyUrlRequested, this, [this] {
        QGuiApplication::clipboard()->setText(m_serverUrl.toString());
        statusBar()->showMessage(tr("Copied %1").arg(m_serverUrl.toString()), 3000);
    });
    connect(m_serverBar, &ServerBar::openInBrowserRequested, this,
            [this] { QDesktopServices::openUrl(m_serverUrl); });
    connect(m_serverBar, &ServerBar::closeStreamsRequested, this, &MainWindow::closeStreams);
    resize(1280, 800);
}

QWidget *MainWindow::buildTimeline() {
    auto *box = new QWidget(this);
    auto *grid = new QGridLayout(box);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setHorizontalSpacing(0);
    grid->setVerticalSpacing(0); // the guides run on unbroken from lane to lane

    auto *corner = new QLabel(tr("<b>Same messages, three ways</b><br>"
                                 "<span style='color:#5b616e'>publish ┆ → arrival ●</span>"),
                              box);
    corner->setTextFormat(Qt::RichText);
    corner->setContentsMargins(8, 0, 4, 0);
    grid->addWidget(corner, 0, 0);
    m_axis = new TimeAxisView(&m_timeline, m_viewport, box);
    grid->addWidget(m_axis, 0, 1);

    int row = 1;
    for (Pattern p : PushLab::allPatterns) {
        m_panels[p] = new LanePanel(p, box);
        m_laneViews[p] = new LaneView(p, &m_timeline, m_viewport, box);
        grid->addWidget(m_panels[p], row, 0);
        grid->addWidget(m_laneViews[p], row, 1);
        grid->setRowStretch(row, 1);
        ++row;
    }
    m_legend = new TimelineLegend(m_viewport, box);
    grid->addWidget(m_legend, row, 0, 1, 2);
    grid->setColumnStretch(1, 1);

    connect(m_viewport, &TimelineViewport::changed, this, [this] {
        for (LaneView *v : m_laneViews)
            v->update();
        m_axis->update();
        // The legend shows the zoom, not the time: no need to repaint it as time moves.
        if (m_viewport->spanUs() != m_legendSpanUs) {
            m_legendSpanUs = m_viewport->spanUs();
            m_legend->update();
        }
    });
    return box;
}

QWidget *MainWindow::buildLog() {
    auto *box = new QWidget(this);
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(4, 4, 4, 4);
    auto *filters = new QHBoxLayout;
    filters->addWidget(new QLabel(tr("Show:"), box));
    for (Pattern p : PushLab::allPatterns) {
        auto *check = new QCheckBox(PushLab::patternName(p), box);
        check->setObjectName(QStringLiteral("logFilter_") + PushLab::patternKey(p));
        check->setChecked(true);
        QPalette pal = check->palette();
        pal.setColor(QPalette::WindowText, PatternTheme::color(p).darker(110));
        check->setPalette(pal);
        connect(check, &QCheckBox::toggled, this,
                [this, p](bool on) { m_logFilter->setPatternShown(p, on); });
        filters->addWidget(check);
    }
    filters->addStretch(1);
    auto *hint = new QLabel(tr("File → Export writes the rows shown as CSV or JSON"), box);
    hint->setEnabled(false);
    filters->addWidget(hint);
    layout->addLayout(filters);

    m_logView = new QTableView(box);
    m_logView->setModel(m_logFilter);
    m_logView->setAlternatingRowColors(true);
    m_logView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_logView->setWordWrap(false);
    // Fixed row heights: measuring tens of thousands of rows would stall every batch.
    m_logView->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_logView->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 4);
    m_logView->verticalHeader()->hide();
    m_logView->horizontalHeader()->setStretchLastSection(true);
    const int widths[] = {100, 80, 110, 70, 55, 70, 150, 110};
    for (int c = 0; c < int(std::size(widths)); ++c)
        m_logView->setColumnWidth(c, widths[c]);
    layout->addWidget(m_logView, 1);
    return box;
}

void MainWindow::buildMenus() {
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *csv = file->addAction(tr("Export traffic log as &CSV…"));
    connect(csv, &QAction::triggered, this, [this] { exportWithDialog(ExportFormat::Csv); });
    QAction *json = file->addAction(tr("Export traffic log as &JSON…"));
    connect(json, &QAction::triggered, this, [this] { exportWithDialog(ExportFormat::Json); });
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"));
    quit->setShortcut(QKeySequence::Quit);
    connect(quit, &QAction::triggered, this, &QWidget::close);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    m_pauseAction = view->addAction(tr("&Pause timeline"));
    m_pauseAction->setCheckable(true);
    // Space: text fields keep their spaces (they accept the shortcut override for typing).
    m_pauseAction->setShortcut(QKeySequence(Qt::Key_Space));
    m_pauseAction->setShortcutContext(Qt::WindowShortcut);
    addAction(m_pauseAction);
    connect(m_pauseAction, &QAction::toggled, this, &MainWindow::setPaused);
    connect(m_viewport, &TimelineViewport::pausedChanged, m_pauseAction, &QAction::setChecked);
    QAction *zoomIn = view->addAction(tr("Zoom &in"));
    zoomIn->setShortcut(QKeySequence::ZoomIn);
    connect(zoomIn, &QAction::triggered, this,
            [this] { m_viewport->zoom(1.5, m_viewport->geometry().right()); });
    QAction *zoomOut = view->addAction(tr("Zoom &out"));
    zoomOut->setShortcut(QKeySequence::ZoomOut);
    connect(zoomOut, &QAction::triggered, this,
            [this] { m_viewport->zoom(1 / 1.5, m_viewport->geometry().right()); });
    view->addSeparator();
    QAction *clear = view->addAction(tr("&Clear timeline and counts"));
    clear->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    addAction(clear);
    connect(clear, &QAction::triggered, this, &MainWindow::clearAll);

    QMenu *server = menuBar()->addMenu(tr("&Server"));
    QAction *copy = server->addAction(tr("&Copy URL"));
    connect(copy, &QAction::triggered, m_serverBar, &ServerBar::copyUrlRequested);
    QAction *open = server->addAction(tr("&Open in browser"));
    connect(open, &QAction::triggered, m_serverBar, &ServerBar::openInBrowserRequested);
    QAction *close = server->addAction(tr("Close &streams (clients reconnect)"));
    connect(close, &QAction::triggered, this, &MainWindow::closeStreams);
}

void MainWindow::connectClients() {
    for (PatternClient *c : m_clients) {
        const Pattern p = c->pattern();
        connect(c, &PatternClient::trafficEvent, this, &MainWindow::onTrafficEvent);
        connect(c, &PatternClient::runningChanged, this, [this, p](bool running) {
            lanePanel(p)->setRunning(running);
            laneView(p)->setRunning(running);
        });
        connect(lanePanel(p), &LanePanel::settingChanged, this,
                [this, p](int value) { applySetting(p, value); });
        connect(lanePanel(p), &LanePanel::startStopClicked, this, [c](bool start) {
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
            m_composer->setStatus(tr("Published #%1").arg(m.id));
    });
    connect(m_publisher, &Publisher::failed, this, [this](const QString &error) {
        m_composer->setStatus(tr("Publish failed: %1").arg(error), true);
    });
    connect(m_statsPoller, &StatsPoller::statsUpdated, m_serverBar, &ServerBar::setStats);
    connect(m_statsPoller, &StatsPoller::statsUpdated, m_crowd, &CrowdPanel::setStats);
    connect(m_statsPoller, &StatsPoller::unreachable, m_serverBar, &ServerBar::setUnreachable);
}

void MainWindow::setServer(const QUrl &url, ServerMode mode) {
    m_serverUrl = url;
    m_mode = mode;
    m_problem->hide();
    setWindowTitle(tr("PushLab — %1").arg(url.toString()));
    m_serverBar->setServer(url, mode == ServerMode::Embedded);
    for (PatternClient *c : m_clients) {
        c->stop();
        c->setBaseUrl(url);
        c->start();
    }
    m_publisher->setBaseUrl(url);
    m_crowd->setServerUrl(url);
    m_statsPoller->setBaseUrl(url);
    m_statsPoller->start(1000);
    m_composer->setEnabled(true);
    for (LanePanel *panel : m_panels)
        panel->setEnabled(true);
    m_composer->lineEdit()->setFocus();
    qCDebug(lcWindow) << "watching" << url;
}

void MainWindow::showServerProblem(const QString &message, quint16 failedPort) {
    m_failedPort = failedPort;
    m_problemText->setText(
        tr("<b>The server could not start.</b> %1").arg(message.toHtmlEscaped()));
    m_problemText->setTextFormat(Qt::RichText);
    m_problemPort->setValue(failedPort < 65535 ? failedPort + 1 : 8051);
    m_watchInstead->setVisible(failedPort != 0);
    m_watchInstead->setText(tr("Watch the server on port %1").arg(failedPort));
    m_watchInstead->setToolTip(tr("If another PushLab holds the port, watch it instead"));
    m_problem->show();
    m_composer->setEnabled(false);
    // Nothing to talk to: the lanes cannot be started until a server runs.
    for (LanePanel *panel : m_panels)
        panel->setEnabled(false);
    m_serverBar->setNoServer();
    setWindowTitle(tr("PushLab — no server"));
}

void MainWindow::onTrafficEvent(const TrafficEvent &event) {
    m_stats[event.pattern].add(event);
    m_timeline.addTrafficEvent(event);
    m_log->append(event);
    m_race->addTrafficEvent(event);
}

void MainWindow::onFrame() {
    // Live follow moves the axis (the viewport repaints the views when it moved); new traffic
    // repaints them once per frame however many events arrived since the last one.
    const bool moved = m_viewport->advance(PushLab::wallClockUs());
    if (!moved && m_timeline.revision() != m_paintedRevision) {
        for (LaneView *v : m_laneViews)
            v->update();
        m_axis->update();
    }
    m_paintedRevision = m_timeline.revision();
}

void MainWindow::onSlowTick() {
    const bool follow =
        m_logView->verticalScrollBar() == nullptr ||
        m_logView->verticalScrollBar()->value() >= m_logView->verticalScrollBar()->maximum() - 2;
    m_log->flush();
    if (follow)
        m_logView->scrollToBottom();
    for (Pattern p : PushLab::allPatterns)
        lanePanel(p)->setSummary(laneSummary(p));
    lanePanel(Pattern::ServerSentEvents)->setServerReconnectMs(m_sse->reconnectDelayMs());
    if (++m_slowTicks % 4 == 0)
        m_timeline.prune(PushLab::wallClockUs());
}

LatencySummary MainWindow::laneSummary(Pattern p) const {
    return m_stats[p].total();
}

void MainWindow::publish(const QString &text) {
    if (m_serverUrl.isEmpty())
        return;
    m_publisher->publish(text);
}

void MainWindow::closeStreams() {
    if (m_serverUrl.isEmpty())
        return;
    QUrl url = m_serverUrl;
    url.setPath(url.path().chopped(url.path().endsWith(u'/') ? 1 : 0) +
                QStringLiteral("/api/streams/close"));
    QNetworkRequest request(url);
    request.setTransferTimeout(10000);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    QNetworkReply *reply = m_network->post(request, QByteArray());
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QJsonObject body = QJsonDocument::fromJson(reply->readAll()).object();
        if (status == 200)
            statusBar()->showMessage(
                tr("The server closed %n stream(s) and waiting poll(s); watch them reconnect",
                   nullptr, body.value(u"closed").toInt()),
                6000);
        else
            statusBar()->showMessage(tr("Close streams failed: %1")
                                         .arg(body.value(u"error").toString(reply->errorString())),
                                     6000);
    });
}

void MainWindow::clearAll() {
    m_timeline.clear();
    for (LatencyStats &s : m_stats)
        s.clear();
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
    m_log->flush();
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        if (error)
            *error = file.errorString();
        return false;
    }
    const PatternSet &shown = m_logFilter->shownPatterns();
    const bool ok =
        format == ExportFormat::Csv ? m_log->writeCsv(file, shown) : m_log->writeJson(file, shown);
    if (!ok || !file.commit()) {
        if (error)
            *error = file.errorString();
        return false;
    }
    return true;
}

void MainWindow::exportWithDialog(ExportFormat format) {
    const bool csv = format == ExportFormat::Csv;
    const QString path = QFileDialog::getSaveFileName(
        this, csv ? tr("Export traffic log as CSV") : tr("Export traffic log as JSON"),
        csv ? QStringLiteral("pushlab-traffic.csv") : QStringLiteral("pushlab-traffic.json"),
        csv ? tr("CSV (*.csv)") : tr("JSON (*.json)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!exportLog(path, format, &error))
        QMessageBox::warning(this, tr("Export failed"),
                             tr("Could not write %1: %2").arg(path, error));
    else
        statusBar()->showMessage(tr("Exported %1").arg(path), 4000);
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

void MainWindow::applySetting(Pattern p, int value) {
    switch (p) {
    case Pattern::ShortPoll:
        m_short->setIntervalMs(value);
        break;
    case Pattern::LongPoll:
        m_long->setTimeoutSeconds(value);
        break;
    case Pattern::ServerSentEvents:
        m_sse->setReconnectDelayOverrideMs(value);
        break;
    }
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
        applySetting(p, lanePanel(p)->setting());
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
    for (PatternClient *c : m_clients)
        c->stop();
    QMainWindow::closeEvent(event);
}
