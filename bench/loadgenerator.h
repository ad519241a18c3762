#pragma once

#include "benchoptions.h"
#include "benchpublisher.h"
#include "benchresult.h"
#include "crowdtally.h"
#include "deliveryledger.h"
#include "messagemarker.h"
#include "procsampler.h"
#include "socketloop.h"
#include "subscribers.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace PushLab::Bench {

// Holds N clients of one pattern on raw non-blocking sockets driven by one epoll loop (a
// QTcpSocket per client cannot hold 10,000), publishes M messages at a fixed rate from its
// own keep-alive connection, and accounts every delivery. run() blocks until the run ends;
// every phase is bounded by the options' time limits.
class LoadGenerator final {
public:
    struct Progress {
        const char *phase = "";
        double elapsedSeconds = 0;
        int connected = 0;
        int clients = 0;
        int failed = 0;
        int published = 0;
        int messages = 0;
        std::int64_t received = 0;
        std::int64_t expected = 0;
        std::int64_t requests = 0;
    };
    using ProgressHandler = std::function<void(const Progress &)>;

    explicit LoadGenerator(BenchOptions options);
    ~LoadGenerator();
    LoadGenerator(const LoadGenerator &) = delete;
    LoadGenerator &operator=(const LoadGenerator &) = delete;

    // Called about once a second while running.
    void setProgressHandler(ProgressHandler handler);
    // Empty on success; otherwise why the run could not start.
    std::string prepare();
    BenchResult run();

    // Raises RLIMIT_NOFILE to its hard limit; returns the new soft limit.
    static std::uint64_t raiseFileLimit();

private:
    // Phase 1: connects every client, at most connectConcurrency attempts at a time.
    void connectEveryone(BenchResult &r, std::int64_t deadline);
    // Runs the loop until untilUs.
    void runUntil(std::int64_t untilUs);
    // One turn: deferred work due, then socket events, waiting at most until untilUs.
    void turn(std::int64_t untilUs);
    void report(bool force = false);
    int connected() const;

    BenchOptions m_options;
    MessageMarker m_marker;
    DeliveryLedger m_ledger;
    ProcSampler m_sampler;
    ProgressHandler m_onProgress;
    SocketLoop m_loop;
    CrowdTally m_tally;
    std::unique_ptr<Subscribers> m_subscribers;  // made by prepare()
    std::unique_ptr<BenchPublisher> m_publisher; // made by prepare()
    std::string m_startSince;
    const char *m_phase = "connecting";
    std::int64_t m_startUs = 0;
    std::int64_t m_lastProgressUs = 0;
};

} // namespace PushLab::Bench
