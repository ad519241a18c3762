#include "loadgenerator.h"

#include "benchclock.h"
#include "httptarget.h"
#include "pollcursor.h"
#include "pollsubscribers.h"
#include "streamsubscribers.h"
#include "websocketsubscribers.h"

#include <QtCore/QLoggingCategory>

#include <algorithm>

#include <sys/resource.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcBench, "pushlab.bench")

namespace PushLab::Bench {

namespace {

std::unique_ptr<Subscribers> subscribersFor(const BenchOptions &o, Subscribers::Context context) {
    switch (o.pattern) {
    case Pattern::ShortPoll:
    case Pattern::LongPoll:
        return std::make_unique<PollSubscribers>(std::move(context), o.pattern, o.pollIntervalMs);
    case Pattern::ServerSentEvents:
        return std::make_unique<StreamSubscribers>(std::move(context));
    case Pattern::WebSocket:
        return std::make_unique<WebSocketSubscribers>(std::move(context));
    }
    return nullptr;
}

std::int64_t seconds(double s) {
    return static_cast<std::int64_t>(s * 1e6);
}

} // namespace

LoadGenerator::LoadGenerator(BenchOptions options)
    : m_options(std::move(options))
    , m_marker(MessageMarker::randomToken())
    , m_ledger(m_options.clients, m_options.messages)
    , m_sampler(m_options.serverPids) {}

LoadGenerator::~LoadGenerator() = default;

void LoadGenerator::setProgressHandler(ProgressHandler handler) {
    m_onProgress = std::move(handler);
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

std::string LoadGenerator::prepare() {
    std::vector<HttpTarget> subs;
    std::vector<QUrl> urls{m_options.subscribeUrl};
    urls.insert(urls.end(), m_options.moreSubscribeUrls.begin(), m_options.moreSubscribeUrls.end());
    for (const QUrl &url : urls) {
        if (const auto sub = HttpTarget::from(url))
            subs.push_back(*sub);
    }
    const auto pub = HttpTarget::from(m_options.publishUrl);
    if (subs.size() != urls.size() || !pub)
        return "the subscribe and publish URLs must name 127.0.0.1 or localhost";
    const std::uint64_t limit = raiseFileLimit();
    if (limit < static_cast<std::uint64_t>(m_options.clients) + 64)
        return "the open-file limit (" + std::to_string(limit) + ") is below --clients + 64";
    if (std::string error = m_loop.create(); !error.empty())
        return error;
    if (!m_options.cursorUrl.isEmpty()) {
        std::string error;
        if (!PollCursor::fetch(m_options.cursorUrl, m_startSince, error))
            return error;
    }
    m_subscribers =
        subscribersFor(m_options, {m_loop, m_marker, m_ledger, m_tally, std::move(subs)});
    m_publisher = std::make_unique<BenchPublisher>(
        m_loop, m_marker, m_ledger, *pub, m_options.publishMethod, m_options.publishConnections);
    return {};
}

int LoadGenerator::connected() const {
    return m_tally.subscribed - m_tally.dropped;
}

void LoadGenerator::report(bool force) {
    const std::int64_t t = monotonicUs();
    if (!m_onProgress || (!force && t - m_lastProgressUs < 1'000'000))
        return;
    m_lastProgressUs = t;
    Progress p;
    p.phase = m_phase;
    p.elapsedSeconds = static_cast<double>(t - m_startUs) / 1e6;
    p.connected = m_tally.subscribed;
    p.clients = m_options.clients;
    p.failed = m_tally.failed + m_tally.dropped;
    p.published = m_ledger.published();
    p.messages = m_options.messages;
    p.received = m_ledger.received();
    p.expected = m_ledger.expected();
    p.requests = m_tally.requests;
    m_onProgress(p);
}

void LoadGenerator::turn(std::int64_t untilUs) {
    const std::int64_t t = monotonicUs();
    m_subscribers->runDue(t);
    std::int64_t wakeUs = std::min(untilUs, m_subscribers->nextDueUs().value_or(untilUs));
    wakeUs = std::min(wakeUs, m_lastProgressUs + 1'000'000);
    int timeoutMs = static_cast<int>(std::clamp<std::int64_t>((wakeUs - t + 999) / 1000, 0, 1000));
    if (m_subscribers->hasHeldRequests())
        timeoutMs = 0;
    const int events = m_loop.wait(timeoutMs);
    m_subscribers->sendHeldRequests(events > 0);
    report();
}

void LoadGenerator::runUntil(std::int64_t untilUs) {
    while (monotonicUs() < untilUs)
        turn(untilUs);
}

void LoadGenerator::connectEveryone(BenchResult &r, std::int64_t deadline) {
    const BenchOptions &o = m_options;
    std::int64_t lastProgress = m_startUs;
    int lastDone = 0;
    while (m_tally.subscribed + m_tally.failed < o.clients) {
        const std::int64_t t = monotonicUs();
        if (t >= deadline) {
            r.timedOut = true;
            r.note = QStringLiteral("not every client connected before --duration-limit");
            break;
        }
        const int done = m_tally.subscribed + m_tally.failed; // dropped ones were subscribed
        if (done != lastDone) {
            lastDone = done;
            lastProgress = t;
        } else if (t - lastProgress > 15'000'000) {
            r.note = QStringLiteral("connecting stalled for 15 s; went on with those connected");
            break;
        }
        int pending = m_subscribers->opened() - done;
        while (m_subscribers->opened() < o.clients && pending < o.connectConcurrency) {
            m_subscribers->add(m_subscribers->opened(), m_startSince, monotonicUs());
            ++pending;
        }
        turn(deadline);
    }
    const std::int64_t connectedUs =
        m_tally.lastSubscribeUs > 0 ? m_tally.lastSubscribeUs : monotonicUs();
    r.connectSeconds = static_cast<double>(connectedUs - m_startUs) / 1e6;
    r.connectLatency = DurationSummary::of(m_tally.connectLatencies);
}

BenchResult LoadGenerator::run() {
    const BenchOptions &o = m_options;
    BenchResult r;
    r.pattern = patternKey(o.pattern);
    r.subscribeUrl = o.subscribeUrl.toString();
    for (const QUrl &url : o.moreSubscribeUrls)
        r.subscribeUrl += QStringLiteral(", ") + url.toString();
    r.publishUrl = o.publishUrl.toString();
    r.clientsRequested = o.clients;
    r.messagesRequested = o.messages;
    r.serverPids = o.serverPids;
    if (!m_subscribers) {
        r.note = QStringLiteral("run() without a successful prepare()");
        return r;
    }

    m_startUs = monotonicUs();
    m_lastProgressUs = m_startUs;
    const std::int64_t deadline = m_startUs + seconds(o.durationLimit);
    const ProcSampler::Sample before = m_sampler.sample();
    const ProcSampler self({static_cast<int>(getpid())});
    const double selfBefore = self.sample().cpuSeconds;

    m_phase = "connecting";
    connectEveryone(r, deadline);

    // Phase 2: settle, so the server has registered every waiter before the first message.
    m_phase = "settling";
    if (const std::string error = m_publisher->open(); !error.empty())
        qCWarning(lcBench, "publish connection: %s", error.c_str());
    runUntil(std::min(deadline, monotonicUs() + seconds(o.settle)));
    r.connected = connected();
    r.allConnected = r.connected == o.clients;
    const ProcSampler::Sample settled = m_sampler.sample();

    // Optional idle phase: every client held, nothing published. A server whose work grows
    // with its connections even when nothing happens shows it here.
    if (o.idle > 0) {
        m_phase = "idle";
        const std::int64_t idleStart = monotonicUs();
        runUntil(std::min(deadline, idleStart + seconds(o.idle)));
        const ProcSampler::Sample idled = m_sampler.sample();
        r.idleSeconds = static_cast<double>(monotonicUs() - idleStart) / 1e6;
        if (settled.valid && idled.valid)
            r.cpuIdleSeconds = idled.cpuSeconds - settled.cpuSeconds;
    }
    const ProcSampler::Sample beforePublish = m_sampler.sample();

    // Phase 3: publish M messages at R per second, then wait for the stragglers.
    m_phase = "publishing";
    m_ledger.setSubscribedClients(r.connected);
    const std::int64_t publishStart = monotonicUs();
    const std::int64_t requestsBefore = m_tally.requests;
    const std::int64_t answersBefore = m_tally.answers;
    const double intervalUs = 1e6 / o.rate;
    const auto dueAt = [&](int sequence) {
        return publishStart + static_cast<std::int64_t>(intervalUs * sequence);
    };
    const std::int64_t scheduleEnd = dueAt(o.messages);
    const std::int64_t minimumEnd = publishStart + seconds(o.minimumDuration);
    std::int64_t lastPublishUs = publishStart;
    while (true) {
        const std::int64_t t = monotonicUs();
        if (t >= deadline) {
            r.timedOut = true;
            break;
        }
        if (m_publisher->nextSequence() < o.messages) {
            // Every message that is due goes out now, each on an idle publisher connection.
            // Those that find none wait for an answer to free one and go out late: their
            // latency from the schedule keeps the wait.
            while (m_publisher->nextSequence() < o.messages &&
                   dueAt(m_publisher->nextSequence()) <= monotonicUs() &&
                   m_publisher->publishNext(dueAt(m_publisher->nextSequence())))
                lastPublishUs = monotonicUs();
            if (m_publisher->nextSequence() >= o.messages)
                continue;
            const std::int64_t due = dueAt(m_publisher->nextSequence());
            // Due but every connection busy: sleep until a socket event (an answer) rather
            // than spin on the cores the server needs.
            const std::int64_t wake = due > monotonicUs() ? due : monotonicUs() + 1'000'000;
            turn(std::min(deadline, wake));
            continue;
        }
        const bool allIn = m_ledger.received() >= m_ledger.expected() && m_publisher->isIdle();
        const std::int64_t drainEnd = lastPublishUs + seconds(o.drain);
        if (t >= minimumEnd && (allIn || t >= drainEnd))
            break;
        m_phase = "draining";
        turn(std::min(deadline, t >= minimumEnd ? drainEnd : minimumEnd));
    }
    const std::int64_t publishEnd = monotonicUs();
    const ProcSampler::Sample after = m_sampler.sample();
    r.benchCpuSeconds = self.sample().cpuSeconds - selfBefore;
    report(true);

    r.published = m_ledger.published();
    r.publishErrors = m_publisher->errors();
    r.expected = m_ledger.expected();
    r.received = m_ledger.received();
    r.lost = m_ledger.lost();
    r.duplicates = m_ledger.duplicates();
    r.unknown = m_ledger.unknown();
    r.reachedEveryone = m_ledger.reachedEveryone();
    r.latency = m_ledger.deliveryLatency();
    r.reachedAll = m_ledger.reachedEveryoneLatency();
    r.latencyFromSchedule = m_ledger.scheduledLatency();
    r.reachedAllFromSchedule = m_ledger.reachedEveryoneScheduledLatency();
    r.publishConnections = m_publisher->connections();
    r.scheduleSeconds = static_cast<double>(scheduleEnd - publishStart) / 1e6;
    r.answered = m_publisher->answered();
    r.sentLate = m_ledger.sentLate(BenchResult::lateThresholdMs * 1000);
    r.sentAfterSchedule = m_ledger.sentAfter(scheduleEnd);
    r.notSent = o.messages - m_publisher->nextSequence();
    r.mostPublishesInFlight = m_publisher->mostInFlight();
    r.sendDelay = m_ledger.sendDelay();
    m_tally.writeTo(r);
    r.phaseRequests = m_tally.requests - requestsBefore;
    r.phaseSeconds = static_cast<double>(publishEnd - publishStart) / 1e6;
    r.requestsPerSecond =
        r.phaseSeconds > 0 ? static_cast<double>(m_tally.answers - answersBefore) / r.phaseSeconds
                           : 0.0;
    r.httpErrors = m_tally.httpErrors + m_loop.malformedAnswers();
    if (before.valid && settled.valid && beforePublish.valid && after.valid) {
        r.serverSampled = true;
        r.cpuConnectSeconds = settled.cpuSeconds - before.cpuSeconds;
        r.cpuPublishSeconds = after.cpuSeconds - beforePublish.cpuSeconds;
        r.rssBeforeKiB = before.rssKiB;
        r.rssConnectedKiB = settled.rssKiB;
        r.rssPerConnectionKiB =
            r.connected > 0 ? static_cast<double>(settled.rssKiB - before.rssKiB) / r.connected
                            : 0.0;
    } else if (!o.serverPids.empty()) {
        r.note += QStringLiteral(" could not read /proc for --server-pid");
    }
    r.elapsedSeconds = static_cast<double>(monotonicUs() - m_startUs) / 1e6;
    return r;
}

} // namespace PushLab::Bench
