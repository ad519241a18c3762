#pragma once

#include <QtCore/QtGlobal>

#include <chrono>

namespace PushLab {

// Wall clock in microseconds since the Unix epoch: what `publishedAt` and client receive
// times are stamped with, so that latency on one machine is a plain subtraction.
inline qint64 wallClockUs() {
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

// Monotonic milliseconds for deadlines and timeouts (immune to clock changes).
inline qint64 monotonicMs() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

} // namespace PushLab
