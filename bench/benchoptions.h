#pragma once

#include <pattern.h>

#include <QtCore/QString>
#include <QtCore/QStringList>
#include <QtCore/QUrl>

#include <optional>
#include <vector>

namespace PushLab::Bench {

// Everything one `pushlab-cli bench` run is told on its command line, already validated.
struct BenchOptions final {
    enum class PublishMethod { Post, Get };

    Pattern pattern = Pattern::ServerSentEvents;
    int clients = 100;
    int messages = 10;
    double rate = 1.0; // messages per second
    QUrl subscribeUrl; // where every client subscribes / polls
    // --subscribe-url given more than once: client N takes URL N mod count, subscribeUrl first
    // (a crowd split over several servers sharing one history).
    std::vector<QUrl> moreSubscribeUrls;
    QUrl publishUrl; // POST body = text, or GET with {text} in the URL
    PublishMethod publishMethod = PublishMethod::Post;
    QUrl cursorUrl;              // GET once before polling starts, for "lastId" (empty: none)
    std::vector<int> serverPids; // local server processes to sample in /proc
    bool json = false;
    double durationLimit = 120;    // hard bound for the whole run, seconds
    double minimumDuration = 0;    // the publish phase lasts at least this long (short-poll rate)
    double settle = 1.0;           // pause after everyone connected, before publishing
    double idle = 0;               // then hold everyone this long with nothing published
    double drain = 5.0;            // wait for late deliveries after the last publish
    int connectConcurrency = 1000; // connection attempts in flight at once
    int pollIntervalMs = 0;        // short poll: pause between one answer and the next request
    int publishConnections =
        1; // publisher keep-alive connections; a due message takes any idle one

    struct ParseResult;
    // `arguments` starts with the program name, as QCoreApplication::arguments() does.
    static ParseResult parse(const QStringList &arguments);

    // The routes of a PushLab server at `base` for a pattern.
    static QUrl defaultSubscribeUrl(const QUrl &base, Pattern pattern);
    // True for http:// URLs naming 127.0.0.0/8 or localhost: the bench loads nothing else.
    static bool isLoopbackHttpUrl(const QUrl &url);
};

struct BenchOptions::ParseResult {
    std::optional<BenchOptions> options;
    QString error; // non-empty: a usage error
    bool help = false;
    QString helpText;
};

} // namespace PushLab::Bench
