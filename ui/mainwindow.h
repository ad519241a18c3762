#pragma once

#include "latencysummary.h"
#include "pattern.h"
#include "timelinemodel.h"
#include "trafficlogexporter.h"

#include <QtCore/QUrl>
#include <QtWidgets/QMainWindow>

class Composer;
class CrowdPanel;
class LaneClients;
class LanePanel;
class LabTour;
class LaneView;
class LinkBar;
class MessageRaceModel;
class PatternClient;
class Publisher;
class QFrame;
class QLabel;
class QSplitter;
class QTabWidget;
class QTimer;
class ServerBar;
class ServerProblemBanner;
class StatsPoller;
class StreamCloser;
class TimelinePane;
class TimelineViewport;
class TrafficLogFilterModel;
class TrafficLogModel;
class TrafficLogPane;

// The window: composer, server bar, four lanes on one time axis with their counts, the
// per-message race table and the traffic log. It is an HTTP client of the server like any
// browser (it never sees the server object), so watching another server is the same code.
class MainWindow final : public QMainWindow {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    enum class ServerMode { Embedded, Remote };
    using ExportFormat = TrafficLogExporter::Format;

    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // Points every client at url and starts them.
    void setServer(const QUrl &url, ServerMode mode);
    QUrl serverUrl() const { return m_serverUrl; }
    // Publishes through another server, one sharing the watched server's history (--redis):
    // the lanes stay on setServer's, so each arrival's latency is the hop from one server to
    // the other through Redis. Empty: publish to the watched server again.
    void setPublishServer(const QUrl &url);
    QUrl publishServerUrl() const;
    // The embedded server could not start: say why, and offer another port (or, when the
    // port is taken by another PushLab, to watch that one).
    void showServerProblem(const QString &message, quint16 failedPort);

    // Resets the timeline, the counts, the race table and the log (Ctrl+L).
    void clearAll();
    void setPaused(bool paused);
    bool isPaused() const;
    // Writes the traffic log (the pattern filter applies); false with *error on failure.
    bool exportLog(const QString &path, ExportFormat format, QString *error = nullptr);

    // How long the timeline keeps marks and bars (shown in the status bar).
    void setTimelineRetentionUs(qint64 us);

    // For tests and the benchmark.
    Composer *composer() const { return m_composer; }
    PatternClient *client(PushLab::Pattern p) const;
    LanePanel *lanePanel(PushLab::Pattern p) const;
    LaneView *laneView(PushLab::Pattern p) const;
    LatencySummary laneSummary(PushLab::Pattern p) const;
    const TimelineModel &timelineModel() const { return m_timeline; }
    TimelineViewport *viewport() const { return m_viewport; }
    TrafficLogModel *logModel() const { return m_log; }
    TrafficLogFilterModel *logFilter() const { return m_logFilter; }
    MessageRaceModel *raceModel() const { return m_race; }
    ServerBar *serverBar() const { return m_serverBar; }
    QFrame *serverProblemBanner() const;
    CrowdPanel *crowdPanel() const { return m_crowd; }
    LinkBar *linkBar() const { return m_linkBar; }
    LabTour *tour() const { return m_tour; }

Q_SIGNALS:
    // The user picked a port for the embedded server after a failure (0 = any free port).
    void startServerRequested(quint16 port);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void buildUi();
    QWidget *buildRaceTable(QWidget *parent);
    void connectParts();
    void onTrafficEvent(const TrafficEvent &event);
    void onFrame();
    void onSlowTick();
    void publish(const QString &text);
    void closeStreams();
    void exportWithDialog(ExportFormat format);
    void loadSettings();
    void saveSettings() const;
    void updateLimitsLabel();

    // Models (no painting in them).
    TimelineModel m_timeline;
    TrafficLogModel *m_log = nullptr;             // child
    TrafficLogFilterModel *m_logFilter = nullptr; // child
    MessageRaceModel *m_race = nullptr;           // child
    TimelineViewport *m_viewport = nullptr;       // child

    // Network clients (children).
    LaneClients *m_lanes = nullptr;
    Publisher *m_publisher = nullptr;
    StatsPoller *m_statsPoller = nullptr;
    StreamCloser *m_streamCloser = nullptr;
    LabTour *m_tour = nullptr;

    // Views (children).
    ServerProblemBanner *m_problem = nullptr;
    ServerBar *m_serverBar = nullptr;
    Composer *m_composer = nullptr;
    LinkBar *m_linkBar = nullptr;
    QSplitter *m_splitter = nullptr;
    QTabWidget *m_tabs = nullptr;
    TimelinePane *m_timelinePane = nullptr;
    TrafficLogPane *m_logPane = nullptr;
    CrowdPanel *m_crowd = nullptr;
    QLabel *m_limits = nullptr;

    QTimer *m_frameTimer = nullptr; // ~60 Hz: repaint when something changed
    QTimer *m_slowTimer = nullptr;  // 4 Hz: counts, log batch, pruning
    quint64 m_paintedRevision = 0;
    QUrl m_serverUrl;
    QUrl m_publishUrl; // empty: m_serverUrl
    int m_slowTicks = 0;
};
