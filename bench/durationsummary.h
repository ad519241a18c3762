#pragma once

#include <cstdint>
#include <vector>

namespace PushLab::Bench {

// Count, p50, p99 and max of a set of durations in microseconds (nearest-rank percentiles).
struct DurationSummary final {
    std::size_t count = 0;
    std::int64_t p50 = 0;
    std::int64_t p99 = 0;
    std::int64_t max = 0;
    double mean = 0;

    // Sorts `samples` in place.
    static DurationSummary of(std::vector<std::int64_t> &samples);
    // Nearest rank: the smallest sample with at least `fraction` of the samples at or below it.
    static std::int64_t percentile(const std::vector<std::int64_t> &sorted, double fraction);
};

} // namespace PushLab::Bench
