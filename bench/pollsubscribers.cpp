#include "pollsubscribers.h"

#include "benchclock.h"
#include "crowdtally.h"
#include "pollcursor.h"
#include "requestwriter.h"
#include "socketloop.h"

#include <cerrno>
#include <cmath>
#include <cstring>

namespace PushLab::Bench {

PollSubscribers::PollSubscribers(Context context, Pattern pattern, int intervalMs)
    : Subscribers(std::move(context))
    , m_pattern(pattern)
    , m_intervalMs(intervalMs) {}

std::int64_t PollSubscribers::shortPollPauseUs(int client, int intervalMs, bool first) {
    const std::int64_t intervalUs = std::int64_t(intervalMs) * 1000;
    if (!first || intervalUs <= 0)
        return intervalUs;
    // Client k starts at the fractional part of k times the golden ratio: evenly spread for
    // any number of clients, and neighbours far apart.
    const double phase = std::fmod(double(client) * 0.6180339887498949, 1.0);
    return std::int64_t(phase * double(intervalUs));
}

void PollSubscribers::installHandlers(BenchConnection &c) {
    BenchConnection *conn = &c;
    c.parser.setHandlers(
        [this, conn](const HttpResponseParser::Head &head) { onHead(*conn, head); },
        [this, conn](std::string_view data) { onBody(*conn, data); },
        [this, conn]() { onComplete(*conn); });
}

void PollSubscribers::writeRequest(BenchConnection &c) {
    RequestWriter::poll(c.out, targetOf(c), c.since, c.lastModified, c.etag);
}

void PollSubscribers::onRequestWritten(BenchConnection &c) {
    if (m_pattern == Pattern::LongPoll && !c.subscribed)
        markSubscribed(c);
}

void PollSubscribers::onHead(BenchConnection &c, const HttpResponseParser::Head &head) {
    c.httpStatus = head.status;
    if (!head.lastModified.empty())
        c.lastModified = head.lastModified;
    if (!head.etag.empty())
        c.etag = head.etag;
}

void PollSubscribers::onBody(BenchConnection &c, std::string_view data) {
    if (c.body.size() < 16 * 1024 * 1024) // bounded: a poll answer is at most the history
        c.body.append(data);
}

void PollSubscribers::onComplete(BenchConnection &c) {
    c.requestOpen = false;
    const bool close = c.parser.head().connectionClose;
    ++m_context.tally.answers;
    const int status = c.httpStatus;
    const bool ok = status == 200 || status == 204 || status == 304 || status == 408;
    if (status == 200) {
        recordDeliveries(c, c.body, monotonicUs());
        if (const std::string lastId = PollCursor::lastIdOf(c.body); !lastId.empty())
            c.since = lastId;
    }
    if (!ok)
        ++m_context.tally.httpErrors;
    else if (m_pattern == Pattern::ShortPoll)
        markSubscribed(c);
    if (close) {
        m_context.loop.close(c);
        ++m_context.tally.reconnects;
        later(c, monotonicUs() + (ok ? 0 : 100'000));
        return;
    }
    std::int64_t delay = 0;
    if (!ok)
        delay = 100'000; // an error answer is not retried in a tight loop
    else if (m_pattern == Pattern::ShortPoll)
        delay = shortPollPauseUs(c.client, m_intervalMs, !c.polledAgain);
    c.polledAgain = true;
    if (delay == 0) {
        if (m_held.empty())
            m_heldSinceUs = monotonicUs();
        m_held.push_back(&c); // sent once every answer has been read, see sendHeldRequests()
    } else {
        later(c, monotonicUs() + delay);
    }
}

void PollSubscribers::onPeerClosed(BenchConnection &c, bool clean) {
    if (c.fd < 0)
        return;
    if (!c.failed && (c.subscribed || clean)) {
        // The server ended a keep-alive connection (limit or idle timeout): reopen and poll
        // again from the same cursor, so nothing is missed.
        m_context.loop.close(c);
        ++m_context.tally.reconnects;
        later(c, monotonicUs() + 10'000);
        return;
    }
    fail(c, clean ? "the server closed the connection"
                  : "the connection broke (reset, or an answer that is not HTTP)");
}

void PollSubscribers::resume(BenchConnection &c) {
    if (c.failed)
        return;
    if (c.fd < 0) {
        if (const std::string error = openSocket(c); !error.empty()) {
            fail(c, error);
            return;
        }
        queueRequest(c);
        return; // written when the connect completes
    }
    queueRequest(c);
    if (!m_context.loop.flush(c))
        fail(c, std::strerror(errno));
}

std::optional<std::int64_t> PollSubscribers::nextDueUs() const {
    if (m_timers.empty())
        return std::nullopt;
    return m_timers.top().first;
}

void PollSubscribers::runDue(std::int64_t nowUs) {
    while (!m_timers.empty() && m_timers.top().first <= nowUs) {
        BenchConnection *c = m_timers.top().second;
        m_timers.pop();
        resume(*c);
    }
}

void PollSubscribers::sendHeldRequests(bool eventsArrived) {
    if (eventsArrived && monotonicUs() - m_heldSinceUs < holdUs)
        return; // more answers may be waiting to be read
    for (BenchConnection *c : m_held) {
        if (c->fd < 0 || c->failed || c->requestOpen)
            continue;
        queueRequest(*c);
        if (!m_context.loop.flush(*c))
            fail(*c, std::strerror(errno));
    }
    m_held.clear();
}

} // namespace PushLab::Bench
