#include "pollservice.h"

#include "connectiontable.h"
#include "pollencoder.h"
#include "socketwriter.h"
#include "wirecontract.h"

#include <QtNetwork/QTcpSocket>

#include <unordered_map>

using PushLab::Pattern;
using Flavour = Connection::Flavour;
namespace Wire = PushLab::Wire;

PollService::PollService(const ServerConfig &config, const MessageLog &log,
                         ConnectionTable &connections, Responder &responder, QObject *context,
                         std::function<void(QTcpSocket *)> answered)
    : m_config(config)
    , m_log(log)
    , m_connections(connections)
    , m_responder(responder)
    , m_answered(std::move(answered))
    , m_waiters(context, [this] { onDeadline(); }) {}

std::optional<quint64> PollService::sinceOf(const RequestInfo &info) const {
    if (!info.query.has(QLatin1StringView("since")))
        return m_log.lastId(); // no since: "from now"
    return info.query.unsignedValue(QLatin1StringView("since"));
}

void PollService::shortPoll(Connection &c, const RequestInfo &info) {
    c.usedFor(Pattern::ShortPoll);
    m_responder.counters()[Pattern::ShortPoll].requests++;
    const auto parsedSince = sinceOf(info);
    if (!parsedSince) {
        m_responder.send(c, PollEncoder::badSince());
        return;
    }
    const quint64 since = *parsedSince;
    if (since == m_log.lastId() && !c.closeAfterResponse) {
        // Up to date: the usual short-poll answer, the same bytes for everyone until the next
        // publish, so it is encoded once.
        if (m_upToDateFor != since || m_upToDateAnswer.isEmpty()) {
            m_upToDateAnswer = PollEncoder::answer(m_log, since).toBytes();
            m_upToDateFor = since;
        }
        m_responder.sendBytes(c, m_upToDateAnswer, Pattern::ShortPoll, 0);
        return;
    }
    int count = 0;
    HttpResponse answer = PollEncoder::answer(m_log, since, &count);
    m_responder.send(c, std::move(answer), Pattern::ShortPoll, count);
}

void PollService::wait(Connection &c, const RequestInfo &info, Flavour flavour) {
    c.usedFor(Pattern::LongPoll);
    m_responder.counters()[Pattern::LongPoll].requests++;
    if (flavour == Flavour::Seed) {
        if (!c.seedCursorSet) {
            c.seedCursorSet = true;
            c.seedCursor = m_log.lastId();
        }
        if (const Message *next = m_log.nextAfter(c.seedCursor)) {
            c.seedCursor = next->id;
            m_responder.send(c, PollEncoder::seedText(next->text.toUtf8()), Pattern::LongPoll, 1);
            return;
        }
        park(c, c.seedCursor, m_config.seedWaitSeconds, Flavour::Seed);
        return;
    }

    const auto parsedSince = sinceOf(info);
    if (!parsedSince) {
        m_responder.send(c, PollEncoder::badSince());
        return;
    }
    const quint64 since = *parsedSince;
    int timeout = Wire::longPollDefaultTimeoutS;
    if (info.query.has(QLatin1StringView("timeout"))) {
        const auto parsed = info.query.unsignedValue(QLatin1StringView("timeout"));
        if (!parsed) {
            m_responder.send(
                c, HttpResponse::error(400, QStringLiteral("timeout must be a whole number of "
                                                           "seconds (%1 to %2).")
                                                .arg(Wire::longPollMinTimeoutS)
                                                .arg(Wire::longPollMaxTimeoutS)));
            return;
        }
        timeout =
            int(qBound<quint64>(Wire::longPollMinTimeoutS, *parsed, Wire::longPollMaxTimeoutS));
    }
    if (m_log.hasAfter(since) || m_log.gapAfter(since)) {
        int count = 0;
        HttpResponse answer = PollEncoder::answer(m_log, since, &count);
        m_responder.send(c, std::move(answer), Pattern::LongPoll, count);
        return;
    }
    park(c, since, timeout, Flavour::Api);
}

void PollService::park(Connection &c, quint64 since, int timeoutSeconds, Flavour flavour) {
    c.flavour = flavour;
    m_waiters.park(c, since, PushLab::monotonicMs() + qint64(timeoutSeconds) * 1000);
}

void PollService::onDeadline() {
    for (QTcpSocket *socket : m_waiters.expired(PushLab::monotonicMs())) {
        Connection *c = m_connections.find(socket);
        if (!c)
            continue;
        const Flavour flavour = c->flavour;
        m_waiters.unpark(*c);
        if (flavour == Flavour::Seed)
            m_responder.send(*c, PollEncoder::seedText("No new messages"), Pattern::LongPoll);
        else
            m_responder.send(*c, PollEncoder::timedOut(m_log.lastId()), Pattern::LongPoll);
        m_answered(socket);
    }
    m_waiters.rearm();
}

void PollService::answerSeed(Connection &c) {
    const Message *next = m_log.nextAfter(c.seedCursor);
    if (!next)
        return;
    c.seedCursor = next->id;
    m_responder.send(c, PollEncoder::seedText(next->text.toUtf8()), Pattern::LongPoll, 1);
}

void PollService::answerAll() {
    if (m_waiters.empty())
        return;
    // News answers every parked poll, so all leave the waiting list at once (no unparking one
    // by one), straight from the packed list (no lookups). One encoded answer per `since`,
    // shared by the waiters that waited since it; the plain answers go out 64 to a system call.
    const std::vector<Connection *> waiters = m_waiters.takeAll();
    std::vector<QTcpSocket *> sockets;
    sockets.reserve(waiters.size());
    std::unordered_map<quint64, std::pair<QByteArray, int>> answers; // a node map: stays put
    std::vector<SocketWriter::Target> targets;
    targets.reserve(waiters.size());
    for (Connection *waiter : waiters) {
        Connection &c = *waiter;
        sockets.push_back(c.socket);
        if (c.flavour == Flavour::Seed) {
            answerSeed(c);
            continue;
        }
        if (c.closeAfterResponse) {
            int count = 0;
            HttpResponse answer = PollEncoder::answer(m_log, c.waitSince, &count);
            m_responder.send(c, std::move(answer), Pattern::LongPoll, count);
            continue;
        }
        auto cached = answers.find(c.waitSince);
        if (cached == answers.end()) {
            int count = 0;
            QByteArray bytes = PollEncoder::answer(m_log, c.waitSince, &count).toBytes();
            cached = answers.emplace(c.waitSince, std::make_pair(std::move(bytes), count)).first;
        }
        targets.push_back({c.socket, c.fd, &cached->second.first, cached->second.second});
    }
    // Through the fan-out pool, as streams are: two writers answer 10,000 polls sooner, so a
    // message reaches the last of them sooner (p50 67-79 ms against 74-89 with one writer), at
    // the cost of the median client (p50 47-54 against 38-40 ms); docs/bench.md, issue 15.
    const SocketWriter::Result written =
        m_responder.writer().writeAll(targets, SocketWriter::Helpers::Allowed);
    PatternCounters &counters = m_responder.counters()[Pattern::LongPoll];
    counters.bytesOut += written.bytes;
    counters.delivered += written.delivered;
    for (QTcpSocket *socket : written.tooSlow)
        socket->abort(); // emits disconnected: the connection is forgotten
    // Requests pipelined behind the polls, in order; a connection may be gone by now.
    for (QTcpSocket *socket : sockets)
        m_answered(socket);
    m_waiters.rearm();
}
