#include "crowdtally.h"

#include "benchresult.h"

namespace PushLab::Bench {

void CrowdTally::noteSubscribed(std::int64_t firstAttemptUs, std::int64_t nowUs) {
    ++subscribed;
    lastSubscribeUs = nowUs;
    connectLatencies.push_back(nowUs - firstAttemptUs);
}

void CrowdTally::noteFailed(bool wasSubscribed, std::string_view why) {
    if (wasSubscribed) {
        ++dropped;
        if (firstDropReason.empty())
            firstDropReason = why;
    } else {
        ++failed;
        if (firstFailReason.empty())
            firstFailReason = why;
    }
}

void CrowdTally::writeTo(BenchResult &r) const {
    r.dropped = dropped;
    r.connectFailures = failed;
    r.firstFailure = QString::fromStdString(firstFailReason);
    r.firstDrop = QString::fromStdString(firstDropReason);
    r.reconnects = reconnects;
    r.requests = requests;
}

} // namespace PushLab::Bench
