#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace PushLab::Bench {

// Reads a local server's CPU time and resident memory from /proc, summed over its processes
// (nginx runs a master and workers).
class ProcSampler final {
public:
    struct Sample {
        double cpuSeconds = 0; // user + system since the process started
        std::int64_t rssKiB = 0;
        bool valid = false;
    };

    explicit ProcSampler(std::vector<int> pids);

    bool isEmpty() const { return m_pids.empty(); }
    const std::vector<int> &pids() const { return m_pids; }
    Sample sample() const;

    // The contents of /proc/<pid>/stat → utime + stime in clock ticks.
    static std::optional<std::uint64_t> parseStatTicks(std::string_view stat);
    // The contents of /proc/<pid>/status → VmRSS in KiB.
    static std::optional<std::int64_t> parseStatusRssKiB(std::string_view status);

private:
    std::vector<int> m_pids;
};

} // namespace PushLab::Bench
