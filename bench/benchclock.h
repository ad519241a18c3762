#pragma once

#include <chrono>
#include <cstdint>

namespace PushLab::Bench {

// Monotonic microseconds. Every time the bench takes (a publish sent, a delivery read, a
// deadline) is only ever compared with another time of its own, never with the server's
// `publishedAt`, so it must not jump when the wall clock is set. (common/clock.h has
// PushLab::monotonicMs, too coarse for sub-millisecond latencies.)
inline std::int64_t monotonicUs() {
    using namespace std::chrono;
    return duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count();
}

} // namespace PushLab::Bench
