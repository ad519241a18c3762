#include "watchoptions.h"

#include "linkoptions.h"
#include "longpollclient.h"

#include <QtCore/QCommandLineParser>

#include <limits>

namespace {

constexpr auto defaultUrl = "http://127.0.0.1:8050";

// A whole number option within [min, max]; unset leaves *out alone.
bool integerOption(const QCommandLineParser &parser, const QCommandLineOption &option, qint64 min,
                   qint64 max, qint64 *out, QString *error) {
    if (!parser.isSet(option))
        return true;
    bool ok = false;
    const qint64 value = parser.value(option).toLongLong(&ok);
    if (!ok || value < min || value > max) {
        *error = QStringLiteral("--%1 must be a whole number from %2 to %3")
                     .arg(option.names().first())
                     .arg(min)
                     .arg(max);
        return false;
    }
    *out = value;
    return true;
}

} // namespace

WatchOptions::Parsed WatchOptions::parse(const QStringList &arguments) {
    namespace Wire = PushLab::Wire;
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Watch a PushLab server with the short-poll, long-poll, SSE and WebSocket clients: one "
        "line "
        "per request, response and event as it happens, a summary per pattern at exit "
        "(Ctrl-C, --duration or --count)."));
    parser.addHelpOption();
    const QCommandLineOption patternOption(
        QStringLiteral("pattern"), QStringLiteral("short, long, sse, ws or all (default all)."),
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
            .arg(Wire::longPollMinTimeoutS)
            .arg(Wire::longPollMaxTimeoutS)
            .arg(Wire::longPollDefaultTimeoutS),
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
    const LinkOptions linkOptions;
    linkOptions.addTo(&parser);
    parser.addPositionalArgument(
        QStringLiteral("URL"),
        QStringLiteral("Server origin (default %1). With --pattern sse, a URL with a path is "
                       "subscribed to exactly as given (any event stream).")
            .arg(QLatin1String(defaultUrl)),
        QStringLiteral("[URL]"));

    Parsed result;
    if (!parser.parse(arguments)) {
        result.error = parser.errorText();
        return result;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        result.helpText = parser.helpText().replace(QLatin1String("pushlab-cli"),
                                                    QLatin1String("pushlab-cli watch"));
        return result;
    }

    WatchOptions options;
    const QString patternText = parser.value(patternOption);
    if (patternText == QLatin1String("all")) {
        options.patterns.assign(PushLab::allPatterns.begin(), PushLab::allPatterns.end());
    } else if (const auto p = PushLab::patternFromKey(patternText)) {
        options.patterns = {*p};
    } else {
        result.error = QStringLiteral("--pattern must be short, long, sse, ws or all, not '%1'")
                           .arg(patternText);
        return result;
    }
    qint64 interval = options.intervalMs;
    qint64 timeout = options.timeoutSeconds;
    if (!integerOption(parser, intervalOption, ShortPollClient::minIntervalMs,
                       ShortPollClient::maxIntervalMs, &interval, &result.error) ||
        !integerOption(parser, timeoutOption, LongPollClient::minTimeoutSeconds,
                       LongPollClient::maxTimeoutSeconds, &timeout, &result.error) ||
        !integerOption(parser, countOption, 1, std::numeric_limits<int>::max(), &options.count,
                       &result.error)) {
        return result;
    }
    options.intervalMs = int(interval);
    options.timeoutSeconds = int(timeout);
    if (parser.isSet(durationOption)) {
        bool ok = false;
        options.durationSeconds = parser.value(durationOption).toDouble(&ok);
        if (!ok || !(options.durationSeconds > 0) || options.durationSeconds > 365 * 24 * 3600) {
            result.error = QStringLiteral("--duration must be a positive number of seconds");
            return result;
        }
    }
    options.json = parser.isSet(jsonOption);
    LinkOptions::Result link = linkOptions.read(parser);
    if (!link.error.isEmpty()) {
        result.error = link.error;
        return result;
    }
    options.link = link.conditions;
    options.linkName = link.name;

    const QStringList positional = parser.positionalArguments();
    if (positional.size() > 1) {
        result.error =
            QStringLiteral("one URL at most (got '%1')").arg(positional.join(QLatin1String("' '")));
        return result;
    }
    const QString urlText = positional.value(0, QLatin1String(defaultUrl));
    options.url = QUrl(urlText, QUrl::StrictMode);
    if (!options.url.isValid() || options.url.host().isEmpty() ||
        (options.url.scheme() != QLatin1String("http") &&
         options.url.scheme() != QLatin1String("https"))) {
        result.error = QStringLiteral("'%1' is not an http:// or https:// URL").arg(urlText);
        return result;
    }
    const bool hasPath = !options.url.path().isEmpty() && options.url.path() != QLatin1String("/");
    options.streamUrlGiven = hasPath && options.patterns.size() == 1 &&
                             options.patterns.front() == PushLab::Pattern::ServerSentEvents;
    if (!options.streamUrlGiven && options.url.hasQuery()) {
        result.error =
            QStringLiteral("a query string only makes sense for --pattern sse with a stream URL");
        return result;
    }
    result.options = std::move(options);
    return result;
}
