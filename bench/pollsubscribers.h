#pragma once

#include "pattern.h"
#include "subscribers.h"

#include <functional>
#include <queue>
#include <utility>

namespace PushLab::Bench {

// Long- and short-poll clients: each asks its route again from its cursor ("lastId") as soon
// as an answer is read (a short poller after its pause), and reconnects when the server ends
// a keep-alive connection, so nothing is missed. A long poller counts as connected once its
// first request is on the wire (its answer only comes with a message); a short poller once it
// is answered.
class PollSubscribers final : public Subscribers {
public:
    PollSubscribers(Context context, Pattern pattern, int intervalMs);

    // A short poller's pause after an answer, µs. The first pause is a fraction of the
    // interval that differs per client (spread evenly, in a scrambled order): N clients that
    // connected together then ask at N different moments of each interval, as visitors who
    // opened a page at different times would, instead of all at once.
    static std::int64_t shortPollPauseUs(int client, int intervalMs, bool first);

    std::optional<std::int64_t> nextDueUs() const override;
    void runDue(std::int64_t nowUs) override;
    bool hasHeldRequests() const override { return !m_held.empty(); }
    void sendHeldRequests(bool eventsArrived) override;

    void onRequestWritten(BenchConnection &c) override;
    void onPeerClosed(BenchConnection &c, bool clean) override;

private:
    // Answers first, new requests after: when one message wakes 10,000 long polls, every
    // answer there to read is read and timed before the bench spends anything on the next
    // 10,000 requests, so the times measure the server rather than the bench. Bounded:
    // requests wait at most this long behind a server that keeps answering.
    static constexpr std::int64_t holdUs = 100'000;

    void installHandlers(BenchConnection &c) override;
    void writeRequest(BenchConnection &c) override;
    void onHead(BenchConnection &c, const HttpResponseParser::Head &head);
    void onBody(BenchConnection &c, std::string_view data);
    void onComplete(BenchConnection &c);
    // Polls again (or reconnects, then polls) a client whose time came.
    void resume(BenchConnection &c);
    void later(BenchConnection &c, std::int64_t dueUs) { m_timers.emplace(dueUs, &c); }

    Pattern m_pattern;
    int m_intervalMs = 0;
    // Deferred work (re-polls, reconnects) ordered by due time: never inside an event batch,
    // so a stale event for a closed socket cannot reach its replacement.
    using Timer = std::pair<std::int64_t, BenchConnection *>;
    std::priority_queue<Timer, std::vector<Timer>, std::greater<>> m_timers;
    std::vector<BenchConnection *> m_held; // polls to send again once every answer is read
    std::int64_t m_heldSinceUs = 0;        // when the oldest of them was answered
};

} // namespace PushLab::Bench
