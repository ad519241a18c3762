#include "linkschedule.h"

#include <chrono>
#include <cmath>

qint64 LinkSchedule::nowUs() {
    using namespace std::chrono;
    return duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count();
}

LinkSchedule::Slot LinkSchedule::schedule(Way way, qint64 bytes, qint64 nowUs, qint64 notBeforeUs) {
    const LinkDirection &d = direction(way);
    qint64 &linkFree = m_linkFreeUs[way == Way::Down ? 0 : 1];
    const qint64 start = qMax(nowUs, linkFree);
    const qint64 serializeUs = d.bandwidthKbit > 0 ? bytes * 8000 / d.bandwidthKbit : 0;
    linkFree = start + serializeUs;

    qint64 delayUs = qint64(d.latencyMs) * 1000;
    if (d.jitterMs > 0) {
        const qint64 j = qint64(d.jitterMs) * 1000;
        delayUs = qMax<qint64>(0, delayUs + qint64(m_random.bounded(2 * j + 1)) - j);
    }
    Slot slot;
    if (m_conditions.lossPercent > 0 && bytes > 0) {
        // One chance per segment; however many are lost, the direction stalls once for a
        // retransmission timeout (the retransmits go together).
        const qint64 segments = (bytes + segmentBytes - 1) / segmentBytes;
        const double keep = std::pow(1.0 - m_conditions.lossPercent / 100.0, double(segments));
        if (m_random.generateDouble() >= keep)
            slot.stallUs = qint64(m_conditions.retransmitStallMs()) * 1000;
    }
    slot.dueUs = qMax(linkFree + delayUs + slot.stallUs, notBeforeUs);
    return slot;
}
