#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace PushLab::Bench {

struct BenchResult;

// What became of a crowd's clients and requests, for the result: who connected and how fast,
// who failed or was dropped (and the first reason of each), reconnects, requests, answers.
struct CrowdTally final {
    int subscribed = 0;
    int failed = 0;  // never connected
    int dropped = 0; // connected, then lost
    std::string firstFailReason;
    std::string firstDropReason;
    int reconnects = 0;
    std::int64_t lastSubscribeUs = 0;
    std::int64_t requests = 0;
    std::int64_t answers = 0;
    std::int64_t httpErrors = 0;
    std::vector<std::int64_t> connectLatencies; // first attempt → subscribed, per client

    void noteSubscribed(std::int64_t firstAttemptUs, std::int64_t nowUs);
    // A client given up: counted once, as dropped if it had connected, else as failed.
    void noteFailed(bool wasSubscribed, std::string_view why);
    // Failures, drops, their reasons, reconnects and requests into the result.
    void writeTo(BenchResult &r) const;
};

} // namespace PushLab::Bench
