#include "watchsession.h"

#include "clioutput.h"
#include "clock.h"
#include "linklab.h"
#include "longpollclient.h"
#include "shortpollclient.h"
#include "signalwatcher.h"
#include "sseclient.h"
#include "websocketclient.h"

#include <QtCore/QTimer>

WatchSession::WatchSession(WatchOptions options, std::unique_ptr<WatchPrinter> printer)
    : m_options(std::move(options))
    , m_printer(std::move(printer)) {}

WatchSession::~WatchSession() = default;

int WatchSession::run() {
    m_startUs = PushLab::wallClockUs();
    for (PushLab::Pattern p : m_options.patterns)
        m_lanes[p] = makeLane(p);
    if (m_options.link && !startLink())
        return 1;
    SignalWatcher signals;
    QObject::connect(&signals, &SignalWatcher::terminationRequested, &m_context,
                     [this](int) { finish(0); });
    QTimer duration;
    if (m_options.durationSeconds > 0) {
        duration.setSingleShot(true);
        duration.setTimerType(Qt::PreciseTimer); // a coarse timer may be 5 % late
        QObject::connect(&duration, &QTimer::timeout, &m_context, [this] { finish(0); });
        duration.start(int(m_options.durationSeconds * 1000));
    }
    for (const auto &lane : m_lanes) {
        if (lane)
            lane->client->start();
    }
    if (!m_finished)
        m_loop.exec();
    return m_exitCode;
}

bool WatchSession::startLink() {
    m_lab = std::make_unique<LinkLab>();
    QString error;
    if (!m_lab->start(m_options.url, &error)) {
        CliOutput::printError("watch", error);
        return false;
    }
    m_lab->setAllConditions(*m_options.link);
    m_lanes.forEach([this](PushLab::Pattern p, const std::unique_ptr<Lane> &lane) {
        if (!lane)
            return;
        lane->client->setBaseUrl(m_lab->url(p));
        if (m_options.streamUrlGiven)
            static_cast<SseClient *>(lane->client.get())->setStreamUrl(m_lab->url(p));
    });
    QObject::connect(m_lab.get(), &LinkLab::linkEvent, &m_context, [this](const TrafficEvent &e) {
        if (const auto &lane = m_lanes[e.pattern])
            onEvent(*lane, e);
    });
    return true;
}

std::unique_ptr<WatchSession::Lane> WatchSession::makeLane(PushLab::Pattern pattern) {
    auto lane = std::make_unique<Lane>();
    switch (pattern) {
    case PushLab::Pattern::ShortPoll: {
        auto client = std::make_unique<ShortPollClient>();
        client->setIntervalMs(m_options.intervalMs);
        lane->client = std::move(client);
        break;
    }
    case PushLab::Pattern::LongPoll: {
        auto client = std::make_unique<LongPollClient>();
        client->setTimeoutSeconds(m_options.timeoutSeconds);
        lane->client = std::move(client);
        break;
    }
    case PushLab::Pattern::ServerSentEvents: {
        auto client = std::make_unique<SseClient>();
        if (m_options.streamUrlGiven)
            client->setStreamUrl(m_options.url);
        lane->client = std::move(client);
        break;
    }
    case PushLab::Pattern::WebSocket:
        lane->client = std::make_unique<WebSocketClient>();
        break;
    }
    lane->client->setBaseUrl(m_options.url);
    QObject::connect(lane->client.get(), &PatternClient::trafficEvent, &m_context,
                     [this, l = lane.get()](const TrafficEvent &event) { onEvent(*l, event); });
    return lane;
}

void WatchSession::onEvent(Lane &lane, const TrafficEvent &event) {
    if (m_finished)
        return; // our own stop() at exit: the summary says the rest
    lane.stats.add(event);
    CliOutput::printLine(m_printer->eventLine(event));

    // A stream URL that never answered: say so once and stop, rather than retry forever.
    if (m_options.streamUrlGiven && event.kind == TrafficEvent::Kind::Error &&
        lane.stats.total().messages == 0 && !m_streamEverOpened) {
        const QString url = m_options.url.toString();
        finishSoon(1, event.status == 0
                          ? QStringLiteral("cannot reach %1: %2").arg(url, event.detail)
                          : QStringLiteral("%1: %2").arg(url, event.detail));
        return;
    }
    if (event.kind == TrafficEvent::Kind::StreamOpened)
        m_streamEverOpened = true;
    if (event.kind == TrafficEvent::Kind::Stopped) {
        lane.stopReason = event.detail;
        if (allLanes([](const Lane &l, qint64) { return !l.client->isRunning(); }))
            finishSoon(1, QStringLiteral("nothing left to watch: %1").arg(event.detail));
        return;
    }
    countDelivery(lane, event);
}

void WatchSession::countDelivery(Lane &lane, const TrafficEvent &event) {
    // Deliveries: PushLab messages; on a foreign stream, every event counts.
    if (!event.messages.isEmpty())
        lane.delivered += event.messages.size();
    else if (m_options.streamUrlGiven && event.kind == TrafficEvent::Kind::EventReceived)
        ++lane.delivered;
    if (m_options.count > 0 && lane.delivered >= m_options.count &&
        allLanes([](const Lane &l, qint64 count) {
            return !l.client->isRunning() || l.delivered >= count;
        })) {
        finishSoon(0);
    }
}

bool WatchSession::allLanes(bool (*test)(const Lane &, qint64 count)) const {
    return std::all_of(m_lanes.begin(), m_lanes.end(), [this, test](const auto &lane) {
        return !lane || test(*lane, m_options.count);
    });
}

void WatchSession::finishSoon(int exitCode, const QString &fatal) {
    if (!fatal.isEmpty())
        m_fatal = fatal;
    QTimer::singleShot(0, &m_context, [this, exitCode] { finish(exitCode); });
}

void WatchSession::finish(int exitCode) {
    if (m_finished)
        return;
    m_finished = true;
    m_exitCode = exitCode;
    for (const auto &lane : m_lanes) {
        if (lane)
            lane->client->stop();
    }
    for (const QString &line : m_printer->summaryLines(summary()))
        CliOutput::printLine(line);
    if (!m_fatal.isEmpty())
        CliOutput::printError("watch", m_fatal);
    m_loop.quit();
}

WatchPrinter::Summary WatchSession::summary() const {
    WatchPrinter::Summary s;
    s.url = m_options.url;
    s.streamUrlGiven = m_options.streamUrlGiven;
    if (m_options.link)
        s.link = QStringLiteral("%1: %2").arg(m_options.linkName, m_options.link->summary());
    s.elapsedUs = PushLab::wallClockUs() - m_startUs;
    m_lanes.forEach([&s](PushLab::Pattern p, const std::unique_ptr<Lane> &lane) {
        if (lane)
            s.lanes.append({p, lane->stats.total(), lane->stopReason});
    });
    return s;
}
