#include "benchoptions.h"

#include "wirecontract.h"

#include <QtCore/QCommandLineParser>
#include <QtNetwork/QHostAddress>

#include <cmath>

namespace PushLab::Bench {

using namespace Qt::StringLiterals;

namespace {

QUrl withPath(const QUrl &base, const QString &path, const QString &query = QString()) {
    QUrl url = base;
    url.setPath(path);
    url.setQuery(query.isEmpty() ? QString() : query);
    return url;
}

} // namespace

QUrl BenchOptions::defaultSubscribeUrl(const QUrl &base, Pattern pattern) {
    switch (pattern) {
    case Pattern::ServerSentEvents:
        return withPath(base, u"/api/events"_s);
    case Pattern::WebSocket:
        return withPath(base, QString::fromLatin1(Wire::webSocketPath));
    case Pattern::LongPoll:
        return withPath(base, u"/api/messages/wait"_s, u"timeout=60"_s);
    case Pattern::ShortPoll:
        return withPath(base, u"/api/messages"_s);
    }
    return {};
}

bool BenchOptions::isLoopbackHttpUrl(const QUrl &url) {
    if (!url.isValid() || url.scheme() != "http"_L1 || url.host().isEmpty())
        return false;
    if (url.host() == "localhost"_L1)
        return true;
    QHostAddress address;
    if (!address.setAddress(url.host()))
        return false;
    return address.protocol() == QAbstractSocket::IPv4Protocol && address.isLoopback();
}

BenchOptions::ParseResult BenchOptions::parse(const QStringList &arguments) {
    ParseResult result;
    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"Hold many clients of one pattern against a push server, publish messages, and measure "
        "how fast they reach everyone.\nTargets PushLab by default; the URL options point it at "
        "any server (Nchan, the Go peer) on this machine."_s);
    const QCommandLineOption helpOption({u"h"_s, u"help"_s}, u"Show this help."_s);
    const QCommandLineOption patternOption(u"pattern"_s, u"sse, ws, long or short (default sse)."_s,
                                           u"pattern"_s, u"sse"_s);
    const QCommandLineOption clientsOption(u"clients"_s, u"Clients to hold (default 100)."_s,
                                           u"N"_s, u"100"_s);
    const QCommandLineOption messagesOption(u"messages"_s, u"Messages to publish (default 10)."_s,
                                            u"M"_s, u"10"_s);
    const QCommandLineOption rateOption(u"rate"_s, u"Messages per second (default 1)."_s, u"R"_s,
                                        u"1"_s);
    const QCommandLineOption serverOption(
        u"server"_s,
        u"PushLab server the default routes live on (default http://127.0.0.1:8050)."_s, u"url"_s,
        u"http://127.0.0.1:8050"_s);
    const QCommandLineOption subscribeOption(
        u"subscribe-url"_s,
        u"Where clients subscribe (SSE) or poll (long/short); default: PushLab's route. "
        "Repeated: the clients take the URLs in turn (several servers)."_s,
        u"url"_s);
    const QCommandLineOption publishOption(
        u"publish-url"_s, u"Where messages are published (default <server>/api/messages)."_s,
        u"url"_s);
    const QCommandLineOption methodOption(
        u"publish-method"_s,
        u"POST (text as body, default) or GET ({text} in the publish URL is replaced)."_s,
        u"method"_s, u"POST"_s);
    const QCommandLineOption cursorOption(
        u"cursor-url"_s,
        u"Polls: GET this once first and start from its \"lastId\" (default: PushLab's "
        "/api/messages when no --subscribe-url is given; 'none' to skip)."_s,
        u"url"_s);
    const QCommandLineOption pidOption(
        u"server-pid"_s, u"Local server process(es), comma-separated: CPU and memory from /proc."_s,
        u"pid"_s);
    const QCommandLineOption jsonOption(u"json"_s, u"Print the report as JSON on stdout."_s);
    const QCommandLineOption limitOption(u"duration-limit"_s,
                                         u"Stop the whole run after S seconds (default 120)."_s,
                                         u"S"_s, u"120"_s);
    const QCommandLineOption durationOption(
        u"duration"_s, u"Keep the publish phase going at least S seconds (default 0)."_s, u"S"_s,
        u"0"_s);
    const QCommandLineOption settleOption(
        u"settle"_s, u"Pause between 'all connected' and the first publish (default 1)."_s, u"S"_s,
        u"1"_s);
    const QCommandLineOption idleOption(
        u"idle"_s,
        u"After settling, hold every client S seconds with nothing published and report the "
        "server's CPU meanwhile (default 0)."_s,
        u"S"_s, u"0"_s);
    const QCommandLineOption drainOption(
        u"drain"_s,
        u"Wait up to S seconds for late deliveries after the last publish (default 5)."_s, u"S"_s,
        u"5"_s);
    const QCommandLineOption concurrencyOption(
        u"connect-concurrency"_s, u"Connection attempts in flight at once (default 1000)."_s,
        u"N"_s, u"1000"_s);
    const QCommandLineOption intervalOption(
        u"interval"_s,
        u"Short poll: milliseconds between an answer and the next request (default 0); each "
        u"client's first pause is its own fraction of this, so they do not all ask at once."_s,
        u"ms"_s, u"0"_s);
    const QCommandLineOption publishConnectionsOption(
        u"publish-connections"_s,
        u"Publisher keep-alive connections (default 1): a message that is due goes out on any "
        "idle one, so one slow answer does not hold back the messages after it."_s,
        u"N"_s, u"1"_s);
    parser.addOptions({helpOption,   patternOption,     clientsOption,   messagesOption,
                       rateOption,   serverOption,      subscribeOption, publishOption,
                       methodOption, cursorOption,      pidOption,       jsonOption,
                       limitOption,  durationOption,    settleOption,    idleOption,
                       drainOption,  concurrencyOption, intervalOption,  publishConnectionsOption});

    if (!parser.parse(arguments)) {
        result.error = parser.errorText();
        return result;
    }
    if (parser.isSet(helpOption)) {
        result.help = true;
        result.helpText = parser.helpText();
        return result;
    }
    if (!parser.positionalArguments().isEmpty()) {
        result.error = u"unexpected argument '%1'"_s.arg(parser.positionalArguments().constFirst());
        return result;
    }

    BenchOptions o;
    const auto pattern = patternFromKey(parser.value(patternOption));
    if (!pattern) {
        result.error = u"--pattern must be sse, ws, long or short"_s;
        return result;
    }
    o.pattern = *pattern;

    auto integer = [&](const QCommandLineOption &option, int min, int max, int &out) {
        bool ok = false;
        const int v = parser.value(option).toInt(&ok);
        if (!ok || v < min || v > max) {
            result.error = u"--%1 must be a whole number from %2 to %3"_s.arg(
                option.names().constLast(), QString::number(min), QString::number(max));
            return false;
        }
        out = v;
        return true;
    };
    auto number = [&](const QCommandLineOption &option, double min, double max, double &out) {
        bool ok = false;
        const double v = parser.value(option).toDouble(&ok);
        if (!ok || !std::isfinite(v) || v < min || v > max) {
            result.error = u"--%1 must be a number from %2 to %3"_s.arg(
                option.names().constLast(), QString::number(min), QString::number(max));
            return false;
        }
        out = v;
        return true;
    };
    if (!integer(clientsOption, 0, 50000, o.clients) ||
        !integer(messagesOption, 0, 100000, o.messages) ||
        !number(rateOption, 0.001, 100000, o.rate) ||
        !number(limitOption, 1, 3600, o.durationLimit) ||
        !number(durationOption, 0, 3600, o.minimumDuration) ||
        !number(settleOption, 0, 60, o.settle) || !number(idleOption, 0, 600, o.idle) ||
        !number(drainOption, 0, 600, o.drain) ||
        !integer(concurrencyOption, 1, 50000, o.connectConcurrency) ||
        !integer(intervalOption, 0, 60000, o.pollIntervalMs) ||
        !integer(publishConnectionsOption, 1, 64, o.publishConnections))
        return result;
    if (static_cast<qint64>(o.clients) * o.messages > 50'000'000) {
        result.error = u"--clients × --messages must stay under 50 million deliveries"_s;
        return result;
    }

    const QUrl base(parser.value(serverOption));
    auto url = [&](const QCommandLineOption &option, const QUrl &fallback, QUrl &out) {
        const QUrl u = parser.isSet(option) ? QUrl(parser.value(option)) : fallback;
        if (!isLoopbackHttpUrl(u)) {
            result.error = u"--%1 must be an http:// URL on this machine (127.0.0.1 or "
                           "localhost), got '%2'"_s.arg(option.names().constLast(), u.toString());
            return false;
        }
        out = u;
        return true;
    };
    if (!isLoopbackHttpUrl(base)) {
        result.error =
            u"--server must be an http:// URL on this machine, got '%1'"_s.arg(base.toString());
        return result;
    }
    if (!url(subscribeOption, defaultSubscribeUrl(base, o.pattern), o.subscribeUrl) ||
        !url(publishOption, withPath(base, u"/api/messages"_s), o.publishUrl))
        return result;
    // Repeated: value() is the last one; the clients take them in the order given.
    const QStringList subscribeUrls = parser.values(subscribeOption);
    for (qsizetype i = 0; i < subscribeUrls.size(); ++i) {
        const QUrl u(subscribeUrls.at(i));
        if (!isLoopbackHttpUrl(u)) {
            result.error = u"--subscribe-url must be an http:// URL on this machine (127.0.0.1 "
                           "or localhost), got '%1'"_s.arg(u.toString());
            return result;
        }
        if (i == 0)
            o.subscribeUrl = u;
        else
            o.moreSubscribeUrls.push_back(u);
    }

    const QString method = parser.value(methodOption).toUpper();
    if (method == "POST"_L1) {
        o.publishMethod = PublishMethod::Post;
    } else if (method == "GET"_L1) {
        o.publishMethod = PublishMethod::Get;
        if (!o.publishUrl.toString(QUrl::FullyEncoded).contains("%7Btext%7D"_L1) &&
            !o.publishUrl.toString().contains("{text}"_L1)) {
            result.error = u"--publish-method GET needs {text} in --publish-url"_s;
            return result;
        }
    } else {
        result.error = u"--publish-method must be POST or GET"_s;
        return result;
    }

    // Polls start from a cursor (the last id now); a stream or a WebSocket starts at "now".
    if (o.pattern != Pattern::ServerSentEvents && o.pattern != Pattern::WebSocket) {
        if (parser.isSet(cursorOption)) {
            if (parser.value(cursorOption) != "none"_L1 && !url(cursorOption, {}, o.cursorUrl))
                return result;
        } else if (!parser.isSet(subscribeOption)) {
            o.cursorUrl = withPath(base, u"/api/messages"_s);
        }
    }

    if (parser.isSet(pidOption)) {
        const QStringList parts = parser.value(pidOption).split(u',', Qt::SkipEmptyParts);
        for (const QString &part : parts) {
            bool ok = false;
            const int pid = part.trimmed().toInt(&ok);
            if (!ok || pid <= 0) {
                result.error = u"--server-pid takes process ids separated by commas"_s;
                return result;
            }
            o.serverPids.push_back(pid);
        }
        if (o.serverPids.empty()) {
            result.error = u"--server-pid takes process ids separated by commas"_s;
            return result;
        }
    }
    o.json = parser.isSet(jsonOption);
    result.options = o;
    return result;
}

} // namespace PushLab::Bench
