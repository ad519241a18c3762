#include "loadgenerator.h"

#include "deliveryledger.h"
#include "httpresponseparser.h"
#include "messagemarker.h"
#include "procsampler.h"
#include "ssescanner.h"

#include <QtCore/QLoggingCategory>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <queue>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcBench, "pushlab.bench")

namespace PushLab::Bench {

namespace {

std::int64_t nowUs() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000;
}

// One HTTP endpoint on this machine, ready for raw sockets.
struct Target {
    sockaddr_in address{};
    std::string host;   // Host header
    std::string target; // path and query, percent-encoded

    static std::optional<Target> from(const QUrl &url) {
        if (!BenchOptions::isLoopbackHttpUrl(url))
            return std::nullopt;
        Target t;
        t.address.sin_family = AF_INET;
        t.address.sin_port = htons(static_cast<std::uint16_t>(url.port(80)));
        const QByteArray host = url.host() == QLatin1String("localhost") ? QByteArray("127.0.0.1")
                                                                         : url.host().toLatin1();
        if (inet_pton(AF_INET, host.constData(), &t.address.sin_addr) != 1)
            return std::nullopt;
        t.host = host.toStdString() + ':' + std::to_string(url.port(80));
        QByteArray path = url.path(QUrl::FullyEncoded).toLatin1();
        if (path.isEmpty())
            path = "/";
        if (url.hasQuery())
            path += '?' + url.query(QUrl::FullyEncoded).toLatin1();
        t.target = path.toStdString();
        return t;
    }
};

void closeHard(int fd) {
    // Reset instead of a graceful close: 10,000 sockets per run in TIME_WAIT would exhaust the
    // loopback's ephemeral ports by the third run of a benchmark.
    linger l{1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    ::close(fd);
}

enum class Role { Subscriber, Publisher };

} // namespace

struct LoadGenerator::Engine {
    struct Connection {
        Role role = Role::Subscriber;
        int client = -1;
        int fd = -1;
        bool established = false;
        bool subscribed = false; // counted as connected
        bool failed = false;     // gave up on this client
        std::int64_t firstAttemptUs = 0;
        bool polledAgain = false; // short poll with --interval: past its first pause
        bool requestOpen = false;
        int httpStatus = 0;
        std::string out;
        std::size_t outOffset = 0;
        HttpResponseParser parser;
        SseScanner sse;
        std::string body;
        std::string since;
        std::string lastModified;
        std::string etag;
        std::int64_t pendingSentUs = 0; // publisher: send time of the request in flight
        int pendingSequence = -1;       // publisher: sequence in flight
    };

    explicit Engine(BenchOptions o)
        : options(std::move(o))
        , marker(MessageMarker::randomToken())
        , ledger(options.clients, options.messages)
        , sampler(options.serverPids) {}

    ~Engine() {
        for (auto &c : connections) {
            if (c->fd >= 0)
                closeHard(c->fd);
        }
        if (publisher && publisher->fd >= 0)
            closeHard(publisher->fd);
        if (epollFd >= 0)
            ::close(epollFd);
    }

    BenchOptions options;
    MessageMarker marker;
    DeliveryLedger ledger;
    ProcSampler sampler;
    ProgressHandler onProgress;
    Target subscribeTarget;
    Target publishTarget;
    int epollFd = -1;
    std::vector<std::unique_ptr<Connection>> connections;
    std::unique_ptr<Connection> publisher;
    // Deferred work (re-polls, reconnects) ordered by due time: never inside an event batch,
    // so a stale event for a closed socket cannot reach its replacement.
    using Timer = std::pair<std::int64_t, Connection *>;
    std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers;

    std::vector<Connection *> repolls;          // polls to send again once every answer is read
    std::int64_t repollsSinceUs = 0;            // when the oldest of them was answered
    std::vector<std::int64_t> connectLatencies; // first attempt → subscribed, per client
    int opened = 0;
    int subscribedCount = 0;
    int failedCount = 0;
    int droppedCount = 0;
    std::string firstFailReason; // see fail()
    std::string firstDropReason;
    int reconnectCount = 0;
    std::int64_t lastSubscribeUs = 0;
    std::int64_t requests = 0;
    std::int64_t answers = 0;
    std::int64_t httpErrors = 0;
    int publishErrors = 0;
    int nextSequence = 0;
    const char *phase = "connecting";
    std::int64_t startUs = 0;
    std::int64_t lastProgressUs = 0;
    std::string startSince;

    static constexpr std::int64_t repollHoldUs = 100'000;

    bool isPoll() const { return options.pattern != Pattern::ServerSentEvents; }

    std::string openSocket(Connection &c, const Target &target) {
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
            return std::string("socket: ") + std::strerror(errno);
        const int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (::connect(fd, reinterpret_cast<const sockaddr *>(&target.address),
                      sizeof target.address) != 0 &&
            errno != EINPROGRESS) {
            const std::string error = std::string("connect: ") + std::strerror(errno);
            ::close(fd);
            return error;
        }
        epoll_event ev{};
        ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
        ev.data.ptr = &c;
        if (epoll_ctl(epollFd, EPOLL_CTL_ADD, fd, &ev) != 0) {
            const std::string error = std::string("epoll_ctl: ") + std::strerror(errno);
            ::close(fd);
            return error;
        }
        c.fd = fd;
        c.established = false;
        c.out.clear();
        c.outOffset = 0;
        c.body.clear();
        c.requestOpen = false;
        c.parser = HttpResponseParser();
        installHandlers(c);
        c.sse.reset();
        return {};
    }

    void installHandlers(Connection &c) {
        Connection *conn = &c;
        c.parser.setHandlers(
            [this, conn](const HttpResponseParser::Head &head) { onHead(*conn, head); },
            [this, conn](std::string_view data) { onBody(*conn, data); },
            [this, conn]() { onComplete(*conn); });
        if (c.role == Role::Subscriber && !isPoll()) {
            c.sse.setHandler([this, conn](std::string_view, std::string_view data) {
                const std::int64_t t = nowUs();
                marker.scan(data, [&](std::uint32_t seq) {
                    ledger.recordDelivery(conn->client, static_cast<int>(seq), t);
                });
            });
        }
    }

    void closeConnection(Connection &c) {
        if (c.fd >= 0) {
            epoll_ctl(epollFd, EPOLL_CTL_DEL, c.fd, nullptr);
            closeHard(c.fd);
            c.fd = -1;
        }
        c.established = false;
    }

    // `why` says what went wrong, for the report: the first reason a client failed and the
    // first a stream was dropped are kept, so a run where every connection fails says why.
    void fail(Connection &c, std::string_view why) {
        closeConnection(c);
        if (c.role != Role::Subscriber)
            return;
        if (c.subscribed) {
            ++droppedCount;
            if (firstDropReason.empty())
                firstDropReason = why;
        } else if (!c.failed) {
            ++failedCount;
            if (firstFailReason.empty())
                firstFailReason = why;
        }
        c.failed = true;
    }

    // --- requests -------------------------------------------------------------------------

    void queueSubscribeRequest(Connection &c) {
        std::string &r = c.out;
        r.clear();
        c.outOffset = 0;
        r += "GET ";
        r += subscribeTarget.target;
        if (isPoll() && !c.since.empty()) {
            r += subscribeTarget.target.find('?') == std::string::npos ? '?' : '&';
            r += "since=";
            r += c.since;
        }
        r += " HTTP/1.1\r\nHost: ";
        r += subscribeTarget.host;
        r += "\r\nUser-Agent: pushlab-bench\r\n";
        if (!isPoll()) {
            r += "Accept: text/event-stream\r\nCache-Control: no-cache\r\n";
        } else {
            if (!c.lastModified.empty())
                r += "If-Modified-Since: " + c.lastModified + "\r\n";
            if (!c.etag.empty())
                r += "If-None-Match: " + c.etag + "\r\n";
        }
        r += "\r\n";
        c.requestOpen = true;
        c.body.clear();
        ++requests;
    }

    void queuePublishRequest(Connection &c, int sequence) {
        const std::string text = marker.text(static_cast<std::uint32_t>(sequence));
        std::string &r = c.out;
        r.clear();
        c.outOffset = 0;
        if (options.publishMethod == BenchOptions::PublishMethod::Post) {
            r += "POST " + publishTarget.target + " HTTP/1.1\r\nHost: " + publishTarget.host +
                 "\r\nUser-Agent: pushlab-bench\r\nContent-Type: text/plain\r\nContent-Length: " +
                 std::to_string(text.size()) + "\r\n\r\n" + text;
        } else {
            std::string target = publishTarget.target;
            for (const std::string placeholder : {"%7Btext%7D", "{text}"}) {
                const auto at = target.find(placeholder);
                if (at != std::string::npos)
                    target.replace(at, placeholder.size(), text); // the marker needs no escaping
            }
            r += "GET " + target + " HTTP/1.1\r\nHost: " + publishTarget.host +
                 "\r\nUser-Agent: pushlab-bench\r\n\r\n";
        }
        c.requestOpen = true;
        c.body.clear();
        c.pendingSequence = sequence;
    }

    // Writes what is pending; false when the connection broke.
    bool flush(Connection &c) {
        while (c.outOffset < c.out.size()) {
            const ssize_t n =
                ::send(c.fd, c.out.data() + c.outOffset, c.out.size() - c.outOffset, MSG_NOSIGNAL);
            if (n < 0) {
                if (errno == EAGAIN || errno == EWOULDBLOCK)
                    return true;
                if (errno == EINTR)
                    continue;
                return false;
            }
            c.outOffset += static_cast<std::size_t>(n);
        }
        if (c.role == Role::Subscriber && !c.out.empty()) {
            c.out.clear();
            c.outOffset = 0;
            // A long poll counts as connected once its first request is on the wire: its
            // answer only comes with a message.
            if (options.pattern == Pattern::LongPoll && !c.subscribed)
                markSubscribed(c);
        }
        return true;
    }

    void markSubscribed(Connection &c) {
        if (c.subscribed || c.failed)
            return;
        c.subscribed = true;
        ++subscribedCount;
        lastSubscribeUs = nowUs();
        connectLatencies.push_back(lastSubscribeUs - c.firstAttemptUs);
    }

    // --- responses ------------------------------------------------------------------------

    void onHead(Connection &c, const HttpResponseParser::Head &head) {
        c.httpStatus = head.status;
        if (c.role == Role::Publisher)
            return;
        if (!isPoll()) {
            if (head.status == 200) {
                markSubscribed(c);
            } else {
                ++httpErrors;
                fail(c, "answered HTTP " + std::to_string(head.status));
            }
            return;
        }
        if (!head.lastModified.empty())
            c.lastModified = head.lastModified;
        if (!head.etag.empty())
            c.etag = head.etag;
    }

    void onBody(Connection &c, std::string_view data) {
        if (c.role == Role::Subscriber && !isPoll()) {
            if (!c.sse.feed(data))
                fail(c, "the event stream was malformed");
            return;
        }
        if (c.body.size() < 16 * 1024 * 1024) // bounded: a poll answer is at most the history
            c.body.append(data);
    }

    void onComplete(Connection &c) {
        c.requestOpen = false;
        const bool close = c.parser.head().connectionClose;
        if (c.role == Role::Publisher) {
            if (c.httpStatus < 200 || c.httpStatus >= 300) {
                ++publishErrors;
                ledger.cancelPublish(c.pendingSequence);
                qCWarning(lcBench, "publish answered %d: %s", c.httpStatus, c.body.c_str());
            }
            c.pendingSequence = -1;
            if (close)
                closeConnection(c);
            return;
        }
        if (!isPoll()) {
            fail(c, "the server ended the event stream"); // a dropped subscriber
            return;
        }
        ++answers;
        const int status = c.httpStatus;
        if (status == 200) {
            const std::int64_t t = nowUs();
            marker.scan(c.body, [&](std::uint32_t seq) {
                ledger.recordDelivery(c.client, static_cast<int>(seq), t);
            });
            const std::string lastId = lastIdOf(c.body);
            if (!lastId.empty())
                c.since = lastId;
            if (options.pattern == Pattern::ShortPoll)
                markSubscribed(c);
        } else if (status == 204 || status == 304 || status == 408) {
            if (options.pattern == Pattern::ShortPoll)
                markSubscribed(c);
        } else {
            ++httpErrors;
        }
        const bool ok = status == 200 || status == 204 || status == 304 || status == 408;
        if (close) {
            closeConnection(c);
            ++reconnectCount;
            timers.emplace(nowUs() + (ok ? 0 : 100'000), &c);
            return;
        }
        std::int64_t delay = 0;
        if (!ok)
            delay = 100'000; // an error answer is not retried in a tight loop
        else if (options.pattern == Pattern::ShortPoll)
            delay = shortPollPauseUs(c.client, options.pollIntervalMs, !c.polledAgain);
        c.polledAgain = true;
        if (delay == 0) {
            if (repolls.empty())
                repollsSinceUs = nowUs();
            repolls.push_back(&c); // sent once every answer has been read, see turn()
        } else {
            timers.emplace(nowUs() + delay, &c);
        }
    }

    // Re-poll (or reconnect, then poll) a poll client whose timer came due.
    void resume(Connection &c) {
        if (c.failed)
            return;
        if (c.fd < 0) {
            if (const std::string error = openSocket(c, subscribeTarget); !error.empty()) {
                fail(c, error);
                return;
            }
            queueSubscribeRequest(c);
            return; // written when the connect completes
        }
        queueSubscribeRequest(c);
        if (!flush(c))
            fail(c, std::strerror(errno));
    }

    void onEvent(Connection &c, std::uint32_t events) {
        if (c.fd < 0)
            return; // closed earlier in this batch
        if (!c.established && (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
            int error = 0;
            socklen_t len = sizeof error;
            getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &error, &len);
            if (error != 0) {
                if (c.role == Role::Publisher)
                    peerClosed(c, false); // the message in flight was not published
                else
                    fail(c, std::string("connect: ") + std::strerror(error));
                return;
            }
            c.established = true;
        }
        if (events & EPOLLOUT) {
            if (!flush(c)) {
                fail(c, std::strerror(errno));
                return;
            }
        }
        if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
            readAll(c);
            if (c.fd >= 0 && (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR))) {
                // The peer closed (or reset); readAll stopped after a short read, so read on
                // to the end of the stream to see it.
                readToEnd(c);
            }
        }
    }

    void readAll(Connection &c) {
        static char buffer[64 * 1024];
        while (c.fd >= 0) {
            const ssize_t n = ::recv(c.fd, buffer, sizeof buffer, 0);
            if (n > 0) {
                if (!c.parser.feed(std::string_view(buffer, static_cast<std::size_t>(n)))) {
                    ++httpErrors;
                    peerClosed(c, false);
                    return;
                }
                // A short read emptied the socket: skip the recv that would only say EAGAIN
                // (a third of the syscalls of a 10,000-stream fan-out). Data arriving later
                // raises a new edge; a close raises EPOLLRDHUP.
                if (static_cast<std::size_t>(n) < sizeof buffer)
                    return;
                continue;
            }
            if (n == 0) {
                peerClosed(c, c.parser.finish());
                return;
            }
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return;
            if (errno == EINTR)
                continue;
            peerClosed(c, false);
            return;
        }
    }

    void readToEnd(Connection &c) {
        char buffer[4096];
        while (c.fd >= 0) {
            const ssize_t n = ::recv(c.fd, buffer, sizeof buffer, 0);
            if (n > 0) {
                if (!c.parser.feed(std::string_view(buffer, static_cast<std::size_t>(n)))) {
                    ++httpErrors;
                    peerClosed(c, false);
                }
                continue;
            }
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
                return; // half-closed by us? nothing more to read now
            peerClosed(c, n == 0 && c.parser.finish());
            return;
        }
    }

    void peerClosed(Connection &c, bool clean) {
        if (c.fd < 0)
            return;
        if (c.role == Role::Publisher) {
            if (c.requestOpen) {
                ++publishErrors;
                ledger.cancelPublish(c.pendingSequence);
                c.requestOpen = false;
            }
            closeConnection(c);
            return;
        }
        if (isPoll() && !c.failed && (c.subscribed || clean)) {
            // The server ended a keep-alive connection (limit or idle timeout): reopen and poll
            // again from the same cursor, so nothing is missed.
            closeConnection(c);
            ++reconnectCount;
            timers.emplace(nowUs() + 10'000, &c);
            return;
        }
        fail(c, clean ? "the server closed the connection"
                      : "the connection broke (reset, or an answer that is not HTTP)");
    }

    // --- publishing -----------------------------------------------------------------------

    std::string openPublisher() {
        if (!publisher) {
            publisher = std::make_unique<Connection>();
            publisher->role = Role::Publisher;
        }
        if (publisher->fd >= 0)
            return {};
        return openSocket(*publisher, publishTarget);
    }

    void publishNext() {
        Connection *pc = publisher.get();
        if (pc && pc->requestOpen)
            return; // still waiting for the previous answer: this one goes out late
        if (!pc || pc->fd < 0) {
            const std::string error = openPublisher();
            pc = publisher.get();
            if (!error.empty()) {
                qCWarning(lcBench, "publish connection: %s", error.c_str());
                ++publishErrors;
                ++nextSequence;
                return;
            }
        }
        Connection &p = *pc;
        const int sequence = nextSequence++;
        queuePublishRequest(p, sequence);
        ledger.recordPublish(sequence, nowUs());
        if (p.established && !flush(p)) {
            ++publishErrors;
            ledger.cancelPublish(sequence);
            closeConnection(p);
        }
    }

    // --- the loop -------------------------------------------------------------------------

    void report(bool force = false) {
        const std::int64_t t = nowUs();
        if (!onProgress || (!force && t - lastProgressUs < 1'000'000))
            return;
        lastProgressUs = t;
        Progress p;
        p.phase = phase;
        p.elapsedSeconds = static_cast<double>(t - startUs) / 1e6;
        p.connected = subscribedCount;
        p.clients = options.clients;
        p.failed = failedCount + droppedCount;
        p.published = ledger.published();
        p.messages = options.messages;
        p.received = ledger.received();
        p.expected = ledger.expected();
        p.requests = requests;
        onProgress(p);
    }

    // One turn: timers due, then socket events, waiting at most until `untilUs`.
    void turn(std::int64_t untilUs) {
        std::int64_t t = nowUs();
        while (!timers.empty() && timers.top().first <= t) {
            Connection *c = timers.top().second;
            timers.pop();
            resume(*c);
        }
        std::int64_t wakeUs = untilUs;
        if (!timers.empty())
            wakeUs = std::min(wakeUs, timers.top().first);
        wakeUs = std::min(wakeUs, lastProgressUs + 1'000'000);
        int timeoutMs =
            static_cast<int>(std::clamp<std::int64_t>((wakeUs - t + 999) / 1000, 0, 1000));
        if (!repolls.empty())
            timeoutMs = 0;
        static epoll_event events[8192];
        const int n = epoll_wait(epollFd, events, 8192, timeoutMs);
        for (int i = 0; i < n; ++i)
            onEvent(*static_cast<Connection *>(events[i].data.ptr), events[i].events);
        // Answers first, new requests after: when one message wakes 10,000 long polls, every
        // answer that is there to read is read and timed before the bench spends anything on
        // the next 10,000 requests, so the times measure the server rather than the bench.
        // Bounded: requests wait at most repollHoldUs behind a server that keeps answering.
        if (n > 0 && nowUs() - repollsSinceUs < repollHoldUs) {
            report();
            return;
        }
        for (Connection *c : repolls) {
            if (c->fd < 0 || c->failed || c->requestOpen)
                continue;
            queueSubscribeRequest(*c);
            if (!flush(*c))
                fail(*c, std::strerror(errno));
        }
        repolls.clear();
        report();
    }

    bool fetchCursor(std::string &error);
};

// A single blocking GET before the crowd starts: the polls begin from the server's current
// lastId, so a message published before a client's first request reaches the server is
// still answered from the history (no loss at the start line).
bool LoadGenerator::Engine::fetchCursor(std::string &error) {
    const auto target = Target::from(options.cursorUrl);
    if (!target) {
        error = "bad --cursor-url";
        return false;
    }
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error = std::strerror(errno);
        return false;
    }
    timeval tv{5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (::connect(fd, reinterpret_cast<const sockaddr *>(&target->address),
                  sizeof target->address) != 0) {
        error = std::string("cursor: connect to ") + target->host + ": " + std::strerror(errno);
        ::close(fd);
        return false;
    }
    const std::string request = "GET " + target->target + " HTTP/1.1\r\nHost: " + target->host +
                                "\r\nUser-Agent: pushlab-bench\r\nConnection: close\r\n\r\n";
    if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) !=
        static_cast<ssize_t>(request.size())) {
        error = "cursor: send failed";
        ::close(fd);
        return false;
    }
    HttpResponseParser parser;
    std::string body;
    int status = 0;
    bool done = false;
    parser.setHandlers([&](const HttpResponseParser::Head &h) { status = h.status; },
                       [&](std::string_view d) { body.append(d); }, [&]() { done = true; });
    char buffer[16 * 1024];
    const std::int64_t deadline = nowUs() + 5'000'000;
    while (!done && nowUs() < deadline) {
        const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n <= 0) {
            if (n == 0)
                parser.finish();
            break;
        }
        if (!parser.feed(std::string_view(buffer, static_cast<std::size_t>(n))))
            break;
    }
    ::close(fd);
    if (!done || status != 200) {
        error = "cursor: no 200 answer from " + target->host + target->target;
        return false;
    }
    startSince = lastIdOf(body);
    if (startSince.empty()) {
        error = "cursor: no \"lastId\" in the answer of " + target->target;
        return false;
    }
    return true;
}

LoadGenerator::LoadGenerator(BenchOptions options)
    : m_engine(std::make_unique<Engine>(std::move(options))) {}

LoadGenerator::~LoadGenerator() = default;

void LoadGenerator::setProgressHandler(ProgressHandler handler) {
    m_engine->onProgress = std::move(handler);
}

std::int64_t LoadGenerator::shortPollPauseUs(int client, int intervalMs, bool first) {
    const std::int64_t intervalUs = std::int64_t(intervalMs) * 1000;
    if (!first || intervalUs <= 0)
        return intervalUs;
    // Client k starts at the fractional part of k times the golden ratio: evenly spread for
    // any number of clients, and neighbours far apart.
    const double phase = std::fmod(double(client) * 0.6180339887498949, 1.0);
    return std::int64_t(phase * double(intervalUs));
}

std::uint64_t LoadGenerator::raiseFileLimit() {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return 0;
    if (limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
        getrlimit(RLIMIT_NOFILE, &limit);
    }
    return limit.rlim_cur;
}

std::string LoadGenerator::lastIdOf(std::string_view body) {
    const auto at = body.find("\"lastId\"");
    if (at == std::string_view::npos)
        return {};
    std::size_t pos = at + 8;
    while (pos < body.size() && (body[pos] == ' ' || body[pos] == ':' || body[pos] == '\t'))
        ++pos;
    const std::size_t begin = pos;
    while (pos < body.size() && body[pos] >= '0' && body[pos] <= '9')
        ++pos;
    return std::string(body.substr(begin, pos - begin));
}

std::string LoadGenerator::prepare() {
    Engine &e = *m_engine;
    const auto sub = Target::from(e.options.subscribeUrl);
    const auto pub = Target::from(e.options.publishUrl);
    if (!sub || !pub)
        return "the subscribe and publish URLs must name 127.0.0.1 or localhost";
    e.subscribeTarget = *sub;
    e.publishTarget = *pub;
    const std::uint64_t limit = raiseFileLimit();
    if (limit < static_cast<std::uint64_t>(e.options.clients) + 64)
        return "the open-file limit (" + std::to_string(limit) + ") is below --clients + 64";
    e.epollFd = epoll_create1(EPOLL_CLOEXEC);
    if (e.epollFd < 0)
        return std::string("epoll_create1: ") + std::strerror(errno);
    if (!e.options.cursorUrl.isEmpty()) {
        std::string error;
        if (!e.fetchCursor(error))
            return error;
    }
    return {};
}

BenchResult LoadGenerator::run() {
    Engine &e = *m_engine;
    const BenchOptions &o = e.options;
    BenchResult r;
    r.pattern = patternKey(o.pattern);
    r.subscribeUrl = o.subscribeUrl.toString();
    r.publishUrl = o.publishUrl.toString();
    r.clientsRequested = o.clients;
    r.messagesRequested = o.messages;
    r.serverPids = o.serverPids;

    e.startUs = nowUs();
    e.lastProgressUs = e.startUs;
    const std::int64_t deadline = e.startUs + static_cast<std::int64_t>(o.durationLimit * 1e6);
    const ProcSampler::Sample before = e.sampler.sample();
    const ProcSampler self({static_cast<int>(getpid())});
    const double selfBefore = self.sample().cpuSeconds;

    // Phase 1: connect everyone, at most connectConcurrency attempts at a time.
    e.phase = "connecting";
    e.connections.reserve(static_cast<std::size_t>(o.clients));
    std::int64_t lastProgress = e.startUs;
    int lastDone = 0;
    while (e.subscribedCount + e.failedCount < o.clients) {
        const std::int64_t t = nowUs();
        if (t >= deadline) {
            r.timedOut = true;
            r.note = QStringLiteral("not every client connected before --duration-limit");
            break;
        }
        const int done = e.subscribedCount + e.failedCount; // dropped ones were subscribed
        if (done != lastDone) {
            lastDone = done;
            lastProgress = t;
        } else if (t - lastProgress > 15'000'000) {
            r.note = QStringLiteral("connecting stalled for 15 s; went on with those connected");
            break;
        }
        int pending = e.opened - done;
        while (e.opened < o.clients && pending < o.connectConcurrency) {
            auto c = std::make_unique<Engine::Connection>();
            c->client = e.opened;
            c->since = e.startSince;
            c->firstAttemptUs = nowUs();
            Engine::Connection &conn = *c;
            e.connections.push_back(std::move(c));
            ++e.opened;
            ++pending;
            const std::string error = e.openSocket(conn, e.subscribeTarget);
            if (!error.empty()) {
                qCWarning(lcBench, "client %d: %s", conn.client, error.c_str());
                conn.failed = true;
                ++e.failedCount;
                if (e.firstFailReason.empty())
                    e.firstFailReason = error;
                continue;
            }
            e.queueSubscribeRequest(conn); // written as soon as the connect completes
        }
        e.turn(deadline);
    }
    const std::int64_t connectedUs = e.lastSubscribeUs > 0 ? e.lastSubscribeUs : nowUs();
    r.connectSeconds = static_cast<double>(connectedUs - e.startUs) / 1e6;
    r.connectLatency = LatencySummary::of(e.connectLatencies);

    // Phase 2: settle, so the server has registered every waiter before the first message.
    e.phase = "settling";
    if (const std::string error = e.openPublisher(); !error.empty())
        qCWarning(lcBench, "publish connection: %s", error.c_str());
    const std::int64_t settleEnd =
        std::min(deadline, nowUs() + static_cast<std::int64_t>(o.settle * 1e6));
    while (nowUs() < settleEnd)
        e.turn(settleEnd);
    r.connected = e.subscribedCount - e.droppedCount;
    r.allConnected = r.connected == o.clients;
    const ProcSampler::Sample connected = e.sampler.sample();

    // Optional idle phase: every client held, nothing published. A server whose work grows
    // with its connections even when nothing happens shows it here.
    if (o.idle > 0) {
        e.phase = "idle";
        const std::int64_t idleEnd =
            std::min(deadline, nowUs() + static_cast<std::int64_t>(o.idle * 1e6));
        const std::int64_t idleStart = nowUs();
        while (nowUs() < idleEnd)
            e.turn(idleEnd);
        const ProcSampler::Sample idled = e.sampler.sample();
        r.idleSeconds = static_cast<double>(nowUs() - idleStart) / 1e6;
        if (connected.valid && idled.valid)
            r.cpuIdleSeconds = idled.cpuSeconds - connected.cpuSeconds;
    }
    const ProcSampler::Sample beforePublish = e.sampler.sample();

    // Phase 3: publish M messages at R per second, then wait for the stragglers.
    e.phase = "publishing";
    e.ledger.setSubscribedClients(r.connected);
    const std::int64_t publishStart = nowUs();
    const std::int64_t requestsBefore = e.requests;
    const std::int64_t answersBefore = e.answers;
    const double intervalUs = 1e6 / o.rate;
    const std::int64_t minimumEnd =
        publishStart + static_cast<std::int64_t>(o.minimumDuration * 1e6);
    std::int64_t lastPublishUs = publishStart;
    while (true) {
        const std::int64_t t = nowUs();
        if (t >= deadline) {
            r.timedOut = true;
            break;
        }
        if (e.nextSequence < o.messages) {
            const std::int64_t due =
                publishStart + static_cast<std::int64_t>(intervalUs * e.nextSequence);
            if (t >= due) {
                e.publishNext();
                lastPublishUs = nowUs();
            }
            const std::int64_t nextDue =
                publishStart + static_cast<std::int64_t>(intervalUs * e.nextSequence);
            e.turn(std::min(deadline, std::max(nextDue, t)));
            continue;
        }
        const bool publisherIdle = !e.publisher || !e.publisher->requestOpen;
        const bool allIn = e.ledger.received() >= e.ledger.expected() && publisherIdle;
        const std::int64_t drainEnd = lastPublishUs + static_cast<std::int64_t>(o.drain * 1e6);
        if (t >= minimumEnd && (allIn || t >= drainEnd))
            break;
        e.phase = "draining";
        e.turn(std::min(deadline, t >= minimumEnd ? drainEnd : minimumEnd));
    }
    const std::int64_t publishEnd = nowUs();
    const ProcSampler::Sample after = e.sampler.sample();
    r.benchCpuSeconds = self.sample().cpuSeconds - selfBefore;
    e.report(true);

    r.published = e.ledger.published();
    r.publishErrors = e.publishErrors;
    r.expected = e.ledger.expected();
    r.received = e.ledger.received();
    r.lost = e.ledger.lost();
    r.duplicates = e.ledger.duplicates();
    r.unknown = e.ledger.unknown();
    r.reachedEveryone = e.ledger.reachedEveryone();
    r.latency = e.ledger.deliveryLatency();
    r.reachedAll = e.ledger.reachedEveryoneLatency();
    r.dropped = e.droppedCount;
    r.connectFailures = e.failedCount;
    r.firstFailure = QString::fromStdString(e.firstFailReason);
    r.firstDrop = QString::fromStdString(e.firstDropReason);
    r.reconnects = e.reconnectCount;
    r.requests = e.requests;
    r.phaseRequests = e.requests - requestsBefore;
    r.phaseSeconds = static_cast<double>(publishEnd - publishStart) / 1e6;
    r.requestsPerSecond =
        r.phaseSeconds > 0 ? static_cast<double>(e.answers - answersBefore) / r.phaseSeconds : 0.0;
    r.httpErrors = e.httpErrors;
    if (before.valid && connected.valid && beforePublish.valid && after.valid) {
        r.serverSampled = true;
        r.cpuConnectSeconds = connected.cpuSeconds - before.cpuSeconds;
        r.cpuPublishSeconds = after.cpuSeconds - beforePublish.cpuSeconds;
        r.rssBeforeKiB = before.rssKiB;
        r.rssConnectedKiB = connected.rssKiB;
        r.rssPerConnectionKiB =
            r.connected > 0 ? static_cast<double>(connected.rssKiB - before.rssKiB) / r.connected
                            : 0.0;
    } else if (!o.serverPids.empty()) {
        r.note += QStringLiteral(" could not read /proc for --server-pid");
    }
    r.elapsedSeconds = static_cast<double>(nowUs() - e.startUs) / 1e6;
    return r;
}

} // namespace PushLab::Bench
