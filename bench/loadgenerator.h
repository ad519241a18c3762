#pragma once

#include "benchoptions.h"
#include "benchresult.h"

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
    // A short poller's pause after an answer, µs. The first pause is a fraction of the
    // interval that differs per client (spread evenly, in a scrambled order): N clients that
    // connected together then ask at N different moments of each interval, as visitors who
    // opened a page at different times would, instead of all at once.
    static std::int64_t shortPollPauseUs(int client, int intervalMs, bool first);
    // The value of "lastId" in a JSON body, or empty.
    static std::string lastIdOf(std::string_view body);

private:
    struct Engine;
    std::unique_ptr<Engine> m_engine;
};

} // namespace PushLab::Bench
