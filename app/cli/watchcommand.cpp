// pushlab-cli watch: the three pattern clients against one server, one line per traffic event,
// a summary per pattern at exit.
#include "commands.h"

#include "clock.h"
#include "latencystats.h"
#include "longpollclient.h"
#include "replyfailure.h"
#include "serverstats.h"
#include "shortpollclient.h"
#include "signalwatcher.h"
#include "sseclient.h"
#include "wirecontract.h"
#include "wireformat.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QCoreApplication>
#include <QtCore/QDateTime>
#include <QtCore/QEventLoop>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QTimer>
#include <QtNetwork/QNetworkAccessManager>
#include <QtNetwork/QNetworkReply>

#include <cstdio>
#include <memory>
#include <vector>

namespace {

namespace Key = PushLab::Wire::Key;

constexpr int preflightTimeoutMs = 5000;

void printLine(const QString &line) {
    const QByteArray bytes = line.toUtf8() + '\n';
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout);
    std::fflush(stdout); // lines are for pipes too: never sit in a buffer
}

void printError(const QString &message) {
    std::fprintf(stderr, "pushlab-cli watch: %s\n", qPrintable(message));
}

QString quoted(const QString &text) {
    // A JSON string literal: one line whatever the text holds, and unambiguous.
    const QByteArray json = QJsonDocument(QJsonArray{text}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(json.sliced(1, json.size() - 2));
}

QString formatBytes(qint64 bytes) {
    if (bytes < 10 * 1024)
        return QStringLiteral("%1 B").arg(bytes);
    if (bytes < 10 * 1024 * 1024)
        return QStringLiteral("%1 KiB").arg(double(bytes) / 1024, 0, 'f', 1);
    return QStringLiteral("%1 MiB").arg(double(bytes) / (1024 * 1024), 0, 'f', 1);
}

QString formatMs(double ms) {
    return QString::number(ms, 'f', ms < 10 ? 2 : 1);
}

QString messagesText(const TrafficEvent &event) {
    const auto &messages = event.messages;
    const auto latencyMs = [&event](const DeliveredMessage &m) {
        return double(event.timeUs - m.publishedAtUs) / 1000.0;
    };
    if (messages.size() == 1) {
        const DeliveredMessage &m = messages.first();
        return QStringLiteral("message %1 %2 latency %3 ms")
            .arg(m.id)
            .arg(quoted(m.text))
            .arg(formatMs(latencyMs(m)));
    }
    double minMs = latencyMs(messages.first());
    double maxMs = minMs;
    for (const DeliveredMessage &m : messages) {
        minMs = std::min(minMs, latencyMs(m));
        maxMs = std::max(maxMs, latencyMs(m));
    }
    return QStringLiteral("%1 messages %2..%3 latency %4..%5 ms")
        .arg(messages.size())
        .arg(messages.first().id)
        .arg(messages.last().id)
        .arg(formatMs(minMs))
        .arg(formatMs(maxMs));
}

QString humanLine(const TrafficEvent &event) {
    const QString time = QDateTime::fromMSecsSinceEpoch(event.timeUs / 1000)
                             .toString(QStringLiteral("HH:mm:ss.zzz"));
    QString what;
    switch (event.kind) {
    case TrafficEvent::Kind::RequestSent:
        what = QStringLiteral("#%1 GET %2").arg(event.requestId).arg(event.url);
        if (!event.lastEventId.isEmpty())
            what += QStringLiteral(" Last-Event-ID: %1").arg(event.lastEventId);
        break;
    case TrafficEvent::Kind::ResponseReceived:
        what = QStringLiteral("#%1 %2 %3 ")
                   .arg(event.requestId)
                   .arg(event.status)
                   .arg(formatBytes(event.bytes));
        if (!event.messages.isEmpty())
            what += messagesText(event);
        else if (event.status == 204)
            what += QStringLiteral("nothing within the timeout");
        else if (event.status == 200)
            what += QStringLiteral("no new messages");
        break;
    case TrafficEvent::Kind::StreamOpened:
        what = QStringLiteral("#%1 %2 text/event-stream").arg(event.requestId).arg(event.status);
        break;
    case TrafficEvent::Kind::EventReceived:
        what = QStringLiteral("#%1 %2 type=%3 id=%4 data=%5")
                   .arg(event.requestId)
                   .arg(formatBytes(event.bytes))
                   .arg(quoted(event.eventType))
                   .arg(quoted(event.lastEventId))
                   .arg(quoted(event.data));
        if (!event.messages.isEmpty()) {
            what += QStringLiteral(" latency %1 ms")
                        .arg(formatMs(double(event.timeUs - event.messages.first().publishedAtUs) /
                                      1000.0));
        }
        break;
    case TrafficEvent::Kind::ReconnectScheduled:
        what = QStringLiteral("in %1 ms").arg(event.delayMs);
        break;
    case TrafficEvent::Kind::Error:
        if (event.status != 0)
            what = QStringLiteral("HTTP %1 ").arg(event.status);
        break;
    case TrafficEvent::Kind::Stopped:
        break;
    }
    if (!event.detail.isEmpty()) {
        if (!what.isEmpty())
            what += QLatin1String(" ");
        what += QStringLiteral("(%1)").arg(event.detail);
    }
    return QStringLiteral("%1 %2 %3 %4")
        .arg(time, PushLab::patternKey(event.pattern).leftJustified(5),
             TrafficEvent::kindKey(event.kind).leftJustified(9), what.trimmed());
}

QJsonObject jsonEvent(const TrafficEvent &event) {
    QJsonObject o{{QStringLiteral("time"), event.timeUs},
                  {QStringLiteral("pattern"), PushLab::patternKey(event.pattern)},
                  {QStringLiteral("kind"), TrafficEvent::kindKey(event.kind)}};
    if (event.requestId)
        o.insert(QStringLiteral("request"), qint64(event.requestId));
    if (event.status)
        o.insert(QStringLiteral("status"), event.status);
    if (event.bytes)
        o.insert(QStringLiteral("bytes"), event.bytes);
    if (!event.url.isEmpty())
        o.insert(QStringLiteral("url"), event.url);
    if (event.kind == TrafficEvent::Kind::EventReceived) {
        o.insert(QStringLiteral("type"), event.eventType);
        o.insert(QStringLiteral("data"), event.data);
    }
    if (!event.lastEventId.isEmpty() || event.kind == TrafficEvent::Kind::EventReceived)
        o.insert(QStringLiteral("lastEventId"), event.lastEventId);
    if (!event.messages.isEmpty()) {
        QJsonArray messages;
        for (const DeliveredMessage &m : event.messages) {
            messages.append(QJsonObject{
                {QLatin1String(Key::id), qint64(m.id)},
                {QLatin1String(Key::text), m.text},
                {QLatin1String(Key::publishedAt), m.publishedAtUs},
                {QStringLiteral("latencyMs"), double(event.timeUs - m.publishedAtUs) / 1000.0}});
        }
        o.insert(QLatin1String(Key::messages), messages);
    }
    if (event.hasGap()) {
        o.insert(
            QLatin1String(Key::gap),
            QJsonObject{{QLatin1String(Key::lastSeenId), qint64(event.gapLastSeenId)},
                        {QLatin1String(Key::firstAvailableId), qint64(event.gapFirstAvailableId)}});
    }
    if (event.kind == TrafficEvent::Kind::ReconnectScheduled)
        o.insert(QStringLiteral("delayMs"), event.delayMs);
    if (!event.detail.isEmpty())
        o.insert(QStringLiteral("detail"), event.detail);
    return o;
}

QJsonObject jsonSummary(const LatencySummary &s) {
    return QJsonObject{
        {QStringLiteral("requests"), s.requests},
        {QStringLiteral("emptyResponses"), s.emptyResponses},
        {QStringLiteral("messages"), s.messages},
        {QStringLiteral("bytesIn"), s.bytesIn},
        {QStringLiteral("reconnects"), s.reconnects},
        {QStringLiteral("errors"), s.errors},
        {QStringLiteral("missing"), s.missing},
        {QStringLiteral("duplicates"), s.duplicates},
        {QStringLiteral("outOfOrder"), s.outOfOrder},
        {QStringLiteral("gaps"), s.gaps},
        {QStringLiteral("latencyCount"), s.latencyCount},
        {QStringLiteral("minMs"), s.minMs},
        {QStringLiteral("meanMs"), s.meanMs},
        {QStringLiteral("p50Ms"), s.p50Ms},
        {QStringLiteral("p95Ms"), s.p95Ms},
        {QStringLiteral("p99Ms"), s.p99Ms},
        {QStringLiteral("maxMs"), s.maxMs},
    };
}

struct Lane {
    std::unique_ptr<PatternClient> client;
    LatencyStats stats;
    QString stopReason; // set when the client stopped on its own
    qint64 delivered = 0;
};

struct Options {
    std::vector<PushLab::Pattern> patterns;
    int intervalMs = ShortPollClient::defaultIntervalMs;
    int timeoutSeconds = LongPollClient::defaultTimeoutSeconds;
    double durationSeconds = 0;
    qint64 count = 0;
    bool json = false;
    QUrl url;
    bool streamUrlGiven = false; // --pattern sse with a URL path: subscribe to exactly that URL
};

// Asks GET /api/stats once, so a wrong URL or a dead server is one clear line, not endless retries.
QString preflight(const QUrl &base) {
    QNetworkAccessManager network;
    QNetworkRequest request(PushLab::Wire::apiUrl(base, QStringLiteral("/api/stats")));
    request.setTransferTimeout(preflightTimeoutMs);
    request.setHeader(QNetworkRequest::UserAgentHeader,
                      QByteArrayLiteral("PushLab/" PUSHLAB_VERSION " (watch)"));
    QNetworkReply *reply = network.get(request);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    reply->deleteLater();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 0)
        return QStringLiteral("cannot reach %1: %2")
            .arg(base.toString(), PushLab::Net::failureText(reply));
    const QByteArray body = PushLab::Net::readBody(reply);
    if (status != 200 || !ServerStats::fromJson(body)) {
        return QStringLiteral("%1 is not a PushLab server (GET /api/stats answered HTTP %2%3)")
            .arg(base.toString())
            .arg(status)
            .arg(status == 200 ? QStringLiteral(", not PushLab stats") : QString());
    }
    return {};
}

class Watch final {
public:
    explicit Watch(const Options &options)
        : m_options(options) {}

    int run() {
        m_startUs = PushLab::wallClockUs();
        for (PushLab::Pattern p : m_options.patterns)
            m_lanes.push_back(makeLane(p));
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
        for (Lane &lane : m_lanes)
            lane.client->start();
        if (!m_finished)
            m_loop.exec();
        return m_exitCode;
    }

private:
    Lane makeLane(PushLab::Pattern pattern) {
        Lane lane;
        switch (pattern) {
        case PushLab::Pattern::ShortPoll: {
            auto client = std::make_unique<ShortPollClient>();
            client->setIntervalMs(m_options.intervalMs);
            lane.client = std::move(client);
            break;
        }
        case PushLab::Pattern::LongPoll: {
            auto client = std::make_unique<LongPollClient>();
            client->setTimeoutSeconds(m_options.timeoutSeconds);
            lane.client = std::move(client);
            break;
        }
        case PushLab::Pattern::ServerSentEvents: {
            auto client = std::make_unique<SseClient>();
            if (m_options.streamUrlGiven)
                client->setStreamUrl(m_options.url);
            lane.client = std::move(client);
            break;
        }
        }
        lane.client->setBaseUrl(m_options.url);
        QObject::connect(lane.client.get(), &PatternClient::trafficEvent, &m_context,
                         [this, pattern](const TrafficEvent &event) { onEvent(pattern, event); });
        return lane;
    }

    Lane &laneOf(PushLab::Pattern pattern) {
        for (Lane &lane : m_lanes) {
            if (lane.client->pattern() == pattern)
                return lane;
        }
        Q_UNREACHABLE();
    }

    void onEvent(PushLab::Pattern pattern, const TrafficEvent &event) {
        if (m_finished)
            return; // our own stop() at exit: the summary says the rest
        Lane &lane = laneOf(pattern);
        lane.stats.add(event);
        printLine(
            m_options.json
                ? QString::fromUtf8(QJsonDocument(jsonEvent(event)).toJson(QJsonDocument::Compact))
                : humanLine(event));

        // A stream URL that never answered: say so once and stop, rather than retry forever.
        if (m_options.streamUrlGiven && event.kind == TrafficEvent::Kind::Error &&
            lane.stats.total().messages == 0 && !m_streamEverOpened) {
            m_fatal = event.status == 0
                          ? QStringLiteral("cannot reach %1: %2")
                                .arg(m_options.url.toString(), event.detail)
                          : QStringLiteral("%1: %2").arg(m_options.url.toString(), event.detail);
            QTimer::singleShot(0, &m_context, [this] { finish(1); });
            return;
        }
        if (event.kind == TrafficEvent::Kind::StreamOpened)
            m_streamEverOpened = true;
        if (event.kind == TrafficEvent::Kind::Stopped) {
            lane.stopReason = event.detail;
            const bool allStopped =
                std::all_of(m_lanes.cbegin(), m_lanes.cend(),
                            [](const Lane &l) { return !l.client->isRunning(); });
            // Deferred: the client is still inside its own signal.
            if (allStopped) {
                m_fatal = QStringLiteral("nothing left to watch: %1").arg(event.detail);
                QTimer::singleShot(0, &m_context, [this] { finish(1); });
            }
            return;
        }
        // Deliveries: PushLab messages; on a foreign stream, every event counts.
        if (!event.messages.isEmpty())
            lane.delivered += event.messages.size();
        else if (m_options.streamUrlGiven && event.kind == TrafficEvent::Kind::EventReceived)
            ++lane.delivered;
        if (m_options.count > 0 && lane.delivered >= m_options.count) {
            const bool done = std::all_of(m_lanes.cbegin(), m_lanes.cend(), [this](const Lane &l) {
                return !l.client->isRunning() || l.delivered >= m_options.count;
            });
            if (done)
                QTimer::singleShot(0, &m_context, [this] { finish(0); });
        }
    }

    void finish(int exitCode) {
        if (m_finished)
            return;
        m_finished = true;
        m_exitCode = exitCode;
        for (Lane &lane : m_lanes)
            lane.client->stop();
        printSummary();
        if (!m_fatal.isEmpty())
            printError(m_fatal);
        m_loop.quit();
    }

    void printSummary() {
        const double seconds = double(PushLab::wallClockUs() - m_startUs) / 1e6;
        if (m_options.json) {
            QJsonObject patterns;
            for (const Lane &lane : m_lanes)
                patterns.insert(PushLab::patternKey(lane.client->pattern()),
                                jsonSummary(lane.stats.total()));
            const QJsonObject summary{{QStringLiteral("kind"), QStringLiteral("summary")},
                                      {QStringLiteral("url"), m_options.url.toString()},
                                      {QStringLiteral("seconds"), seconds},
                                      {QStringLiteral("patterns"), patterns}};
            printLine(QString::fromUtf8(QJsonDocument(summary).toJson(QJsonDocument::Compact)));
            return;
        }
        const auto row = [](const QStringList &cells, const std::vector<int> &widths) {
            QString line;
            for (qsizetype i = 0; i < cells.size(); ++i)
                line += i == 0 ? cells[i].leftJustified(widths[size_t(i)])
                               : QLatin1String("  ") + cells[i].rightJustified(widths[size_t(i)]);
            return line;
        };
        printLine(QString());
        printLine(QStringLiteral("Summary: %1 s watching %2")
                      .arg(seconds, 0, 'f', 1)
                      .arg(m_options.streamUrlGiven
                               ? m_options.url.toString()
                               : m_options.url.toString(QUrl::StripTrailingSlash)));
        const std::vector<int> traffic{10, 8, 6, 8, 10, 9, 10, 6, 7, 4, 5, 4};
        printLine(row(
            {QStringLiteral("pattern"), QStringLiteral("requests"), QStringLiteral("empty"),
             QStringLiteral("messages"), QStringLiteral("bytes in"), QStringLiteral("bytes/msg"),
             QStringLiteral("reconnects"), QStringLiteral("errors"), QStringLiteral("missing"),
             QStringLiteral("dup"), QStringLiteral("order"), QStringLiteral("gaps")},
            traffic));
        for (const Lane &lane : m_lanes) {
            const LatencySummary s = lane.stats.total();
            printLine(
                row({PushLab::patternName(lane.client->pattern()), QString::number(s.requests),
                     QString::number(s.emptyResponses), QString::number(s.messages),
                     formatBytes(s.bytesIn),
                     s.messages ? QString::number(s.bytesIn / s.messages) : QStringLiteral("-"),
                     QString::number(s.reconnects), QString::number(s.errors),
                     QString::number(s.missing), QString::number(s.duplicates),
                     QString::number(s.outOfOrder), QString::number(s.gaps)},
                    traffic));
        }
        printLine(QString());
        const std::vector<int> latency{10, 8, 8, 8, 8, 8, 8, 8};
        printLine(
            row({QStringLiteral("latency"), QStringLiteral("count"), QStringLiteral("min ms"),
                 QStringLiteral("mean ms"), QStringLiteral("p50 ms"), QStringLiteral("p95 ms"),
                 QStringLiteral("p99 ms"), QStringLiteral("max ms")},
                latency));
        for (const Lane &lane : m_lanes) {
            const LatencySummary s = lane.stats.total();
            if (s.latencyCount == 0) {
                printLine(row({PushLab::patternName(lane.client->pattern()), QStringLiteral("0"),
                               QStringLiteral("-"), QStringLiteral("-"), QStringLiteral("-"),
                               QStringLiteral("-"), QStringLiteral("-"), QStringLiteral("-")},
                              latency));
                continue;
            }
            printLine(
                row({PushLab::patternName(lane.client->pattern()), QString::number(s.latencyCount),
                     formatMs(s.minMs), formatMs(s.meanMs), formatMs(s.p50Ms), formatMs(s.p95Ms),
                     formatMs(s.p99Ms), formatMs(s.maxMs)},
                    latency));
        }
        for (const Lane &lane : m_lanes) {
            if (!lane.stopReason.isEmpty())
                printLine(QStringLiteral("%1 stopped: %2")
                              .arg(PushLab::patternName(lane.client->pattern()), lane.stopReason));
        }
    }

    Options m_options;
    std::vector<Lane> m_lanes;
    QObject m_context; // connection context: dies with the Watch
    QEventLoop m_loop;
    qint64 m_startUs = 0;
    bool m_finished = false;
    bool m_streamEverOpened = false;
    int m_exitCode = 0;
    QString m_fatal;
};

} // namespace

int runWatch(const QStringList &arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Watch a PushLab server with the short-poll, long-poll and SSE clients: one line "
        "per request, response and event as it happens, a summary per pattern at exit "
        "(Ctrl-C, --duration or --count)."));
    parser.addHelpOption();
    const QCommandLineOption patternOption(QStringLiteral("pattern"),
                                           QStringLiteral("short, long, sse or all (default all)."),
                                           QStringLiteral("pattern"), QStringLiteral("all"));
    const QCommandLineOption intervalOption(
        QStringLiteral("interval"),
        QStringLiteral("Short-poll interval in ms, %1..%2 (default %3).")
            .arg(ShortPollClient::minIntervalMs)
            .arg(ShortPollClient::maxIntervalMs)
            .arg(ShortPollClient::defaultIntervalMs),
        QStringLiteral("ms"));
    const QCommandLineOption timeoutOption(
        QStringLiteral("timeout"),
        QStringLiteral("Long-poll timeout in s, %1..%2 (default %3).")
            .arg(PushLab::Wire::longPollMinTimeoutS)
            .arg(PushLab::Wire::longPollMaxTimeoutS)
            .arg(PushLab::Wire::longPollDefaultTimeoutS),
        QStringLiteral("s"));
    const QCommandLineOption durationOption(QStringLiteral("duration"),
                                            QStringLiteral("Stop after this many seconds."),
                                            QStringLiteral("s"));
    const QCommandLineOption countOption(
        QStringLiteral("count"),
        QStringLiteral("Stop once every watched pattern has delivered N messages."),
        QStringLiteral("n"));
    const QCommandLineOption jsonOption(
        QStringLiteral("json"), QStringLiteral("JSON lines instead of text (summary last)."));
    parser.addOptions(
        {patternOption, intervalOption, timeoutOption, durationOption, countOption, jsonOption});
    parser.addPositionalArgument(
        QStringLiteral("URL"),
        QStringLiteral(
            "Server origin (default http://127.0.0.1:8050). With --pattern sse, a URL with a "
            "path is subscribed to exactly as given (any event stream)."),
        QStringLiteral("[URL]"));
    if (!parser.parse(arguments)) {
        printError(parser.errorText());
        return 2;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        std::fputs(qPrintable(parser.helpText().replace(QLatin1String("pushlab-cli"),
                                                        QLatin1String("pushlab-cli watch"))),
                   stdout);
        return 0;
    }

    Options options;
    const QString patternText = parser.value(patternOption);
    if (patternText == QLatin1String("all")) {
        options.patterns.assign(PushLab::allPatterns.begin(), PushLab::allPatterns.end());
    } else if (const auto p = PushLab::patternFromKey(patternText)) {
        options.patterns = {*p};
    } else {
        printError(
            QStringLiteral("--pattern must be short, long, sse or all, not '%1'").arg(patternText));
        return 2;
    }
    const auto integerOption = [&parser](const QCommandLineOption &option, qint64 min, qint64 max,
                                         qint64 *out) {
        if (!parser.isSet(option))
            return true;
        bool ok = false;
        const qint64 value = parser.value(option).toLongLong(&ok);
        if (!ok || value < min || value > max) {
            printError(QStringLiteral("--%1 must be a whole number from %2 to %3")
                           .arg(option.names().first())
                           .arg(min)
                           .arg(max));
            return false;
        }
        *out = value;
        return true;
    };
    qint64 interval = options.intervalMs;
    qint64 timeout = options.timeoutSeconds;
    if (!integerOption(intervalOption, ShortPollClient::minIntervalMs,
                       ShortPollClient::maxIntervalMs, &interval) ||
        !integerOption(timeoutOption, LongPollClient::minTimeoutSeconds,
                       LongPollClient::maxTimeoutSeconds, &timeout) ||
        !integerOption(countOption, 1, std::numeric_limits<int>::max(), &options.count)) {
        return 2;
    }
    options.intervalMs = int(interval);
    options.timeoutSeconds = int(timeout);
    if (parser.isSet(durationOption)) {
        bool ok = false;
        options.durationSeconds = parser.value(durationOption).toDouble(&ok);
        if (!ok || !(options.durationSeconds > 0) || options.durationSeconds > 365 * 24 * 3600) {
            printError(QStringLiteral("--duration must be a positive number of seconds"));
            return 2;
        }
    }
    options.json = parser.isSet(jsonOption);

    const QStringList positional = parser.positionalArguments();
    if (positional.size() > 1) {
        printError(QStringLiteral("one URL at most (got '%1')")
                       .arg(positional.join(QLatin1String("' '"))));
        return 2;
    }
    const QString urlText = positional.value(0, QStringLiteral("http://127.0.0.1:8050"));
    options.url = QUrl(urlText, QUrl::StrictMode);
    if (!options.url.isValid() || options.url.host().isEmpty() ||
        (options.url.scheme() != QLatin1String("http") &&
         options.url.scheme() != QLatin1String("https"))) {
        printError(QStringLiteral("'%1' is not an http:// or https:// URL").arg(urlText));
        return 2;
    }
    const bool hasPath = !options.url.path().isEmpty() && options.url.path() != QLatin1String("/");
    options.streamUrlGiven = hasPath && options.patterns.size() == 1 &&
                             options.patterns.front() == PushLab::Pattern::ServerSentEvents;
    if (!options.streamUrlGiven) {
        if (options.url.hasQuery()) {
            printError(QStringLiteral(
                "a query string only makes sense for --pattern sse with a stream URL"));
            return 2;
        }
        const QString problem = preflight(options.url);
        if (!problem.isEmpty()) {
            printError(problem);
            return 1;
        }
    }
    Watch watch(options);
    return watch.run();
}
