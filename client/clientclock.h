#pragma once

#include <QtCore/QtGlobal>

#include <chrono>

namespace PushLab {

// The client's clock: µs since the Unix epoch, the same scale as the server's publishedAt,
// so latency = receive time - publishedAt (exact on one machine).
inline qint64 nowUs() {
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

} // namespace PushLab
