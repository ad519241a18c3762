#pragma once

#include "benchconnection.h"
#include "connectionhandler.h"
#include "httptarget.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace PushLab::Bench {

struct CrowdTally;
class DeliveryLedger;
class MessageMarker;
class SocketLoop;

// The crowd: N clients of one pattern, each a BenchConnection on the SocketLoop. This base
// keeps what every pattern shares (opening a client, counting it connected or given up); a
// subclass is one pattern's state machine (StreamSubscribers, PollSubscribers).
class Subscribers : public ConnectionHandler {
public:
    // What the clients work with; all of it outlives them.
    struct Context {
        SocketLoop &loop;
        const MessageMarker &marker;
        DeliveryLedger &ledger;
        CrowdTally &tally;
        std::vector<HttpTarget> targets; // client N subscribes to targets[N % size]
    };

    ~Subscribers() override;

    // Client number `client` connects (a poll from cursor `since`) and queues its first
    // request, written as soon as the connect completes.
    void add(int client, const std::string &since, std::int64_t nowUs);
    int opened() const { return int(m_connections.size()); }

    // Deferred work (re-polls, reconnects) of the patterns that have any.
    virtual std::optional<std::int64_t> nextDueUs() const { return std::nullopt; }
    virtual void runDue(std::int64_t /*nowUs*/) {}
    // Requests held back until the answers already there are read; the loop does not sleep
    // while there are any.
    virtual bool hasHeldRequests() const { return false; }
    virtual void sendHeldRequests(bool eventsArrived) { (void)eventsArrived; }

    void onRequestWritten(BenchConnection &) override {}
    void onBroken(BenchConnection &c, std::string_view why) override { fail(c, why); }

protected:
    explicit Subscribers(Context context);

    const HttpTarget &targetOf(const BenchConnection &c) const {
        return m_context.targets[std::size_t(c.client) % m_context.targets.size()];
    }
    // Hooks the connection's parser (and scanner) to this state machine.
    virtual void installHandlers(BenchConnection &c) = 0;
    // Puts the pattern's request in c.out.
    virtual void writeRequest(BenchConnection &c) = 0;

    // Opens c's socket and hooks it up; empty on success, otherwise why not.
    std::string openSocket(BenchConnection &c);
    void queueRequest(BenchConnection &c);
    // Gives up on c; `why` says what went wrong, for the report (the first reason a client
    // failed and the first a stream was dropped are kept, so a run where every connection
    // fails says why).
    void fail(BenchConnection &c, std::string_view why);
    void markSubscribed(BenchConnection &c);
    void recordDeliveries(const BenchConnection &c, std::string_view data, std::int64_t nowUs);

    Context m_context;

private:
    std::vector<std::unique_ptr<BenchConnection>> m_connections;
};

} // namespace PushLab::Bench
