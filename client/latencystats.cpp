#include "latencystats.h"

#include "clock.h"
#include "linkconditions.h"

#include <QtCore/QtAlgorithms>

#include <algorithm>
#include <cmath>
#include <limits>

namespace {

// Log-linear buckets: exact below 256 µs, then 128 buckets per power of two (< 0.8 % wide).
constexpr int subBucketBits = 7;
constexpr qint64 subBucketCount = qint64(1) << subBucketBits; // 128
constexpr qint64 maxTrackedUs = qint64(1) << 40;              // ~12.7 days; larger values clamp
// Bounds for the id bookkeeping (memory stays bounded however long the run).
constexpr qsizetype maxSeenIds = 65536;
constexpr qint64 maxTrackedMissing = 100000;

int msb(quint64 v) {
    return 63 - int(qCountLeadingZeroBits(v));
}

} // namespace

int LatencyStats::bucketIndex(qint64 valueUs) {
    const qint64 v = std::clamp<qint64>(valueUs, 0, maxTrackedUs);
    if (v < 2 * subBucketCount)
        return int(v);
    const int shift = msb(quint64(v)) - subBucketBits;
    return int(subBucketCount * shift + (v >> shift));
}

qint64 LatencyStats::bucketLowUs(int index) {
    if (index < 2 * subBucketCount)
        return index;
    // index = 128 * shift + m with m in [128, 256)
    const int shift = int(index / subBucketCount) - 1;
    const qint64 m = index - subBucketCount * shift;
    return m << shift;
}

qint64 LatencyStats::bucketHighUs(int index) {
    return bucketLowUs(index + 1);
}

void LatencyStats::clear() {
    *this = LatencyStats{};
}

void LatencyStats::add(const TrafficEvent &event) {
    Entry entry;
    entry.timeUs = event.timeUs;
    switch (event.kind) {
    case TrafficEvent::Kind::RequestSent:
        ++m_total.requests;
        entry.flags |= Request;
        break;
    case TrafficEvent::Kind::ResponseReceived:
        if (event.status == 204 || (event.status == 200 && event.messages.isEmpty())) {
            ++m_total.emptyResponses;
            entry.flags |= Empty;
        }
        break;
    case TrafficEvent::Kind::ReconnectScheduled:
        ++m_total.reconnects;
        entry.flags |= Reconnect;
        break;
    case TrafficEvent::Kind::Error:
        ++m_total.errors;
        entry.flags |= Error;
        break;
    case TrafficEvent::Kind::StreamOpened:
    case TrafficEvent::Kind::EventReceived:
    case TrafficEvent::Kind::Stopped:
        break;
    case TrafficEvent::Kind::Link:
        if (event.eventType == QLatin1String(LinkEventType::drop) ||
            event.eventType == QLatin1String(LinkEventType::idleCut))
            ++m_total.linkDrops;
        else if (event.eventType == QLatin1String(LinkEventType::stall))
            ++m_total.linkStalls;
        break;
    }
    m_total.bytesIn += event.bytes;
    entry.bytes = event.bytes;
    if (event.hasGap())
        applyGap(event, entry);

    if (event.messages.isEmpty()) {
        if (entry.flags != 0 || entry.bytes != 0 || entry.missing != 0)
            record(entry);
        return;
    }
    for (const DeliveredMessage &message : event.messages) {
        deliver(event, message, entry);
        record(entry);
        entry = Entry{}; // the event's counters go with its first delivery only
        entry.timeUs = event.timeUs;
    }
}

void LatencyStats::applyGap(const TrafficEvent &event, Entry &entry) {
    ++m_total.gaps;
    entry.flags |= Gap;
    // Whether the gap lost messages of this run or the server started a new run is decided
    // when the next message shows its id and publish time (see deliver()).
    Q_UNUSED(event);
}

void LatencyStats::deliver(const TrafficEvent &event, const DeliveredMessage &message,
                           Entry &entry) {
    ++m_total.messages;
    entry.flags |= Delivery;

    // Latency.
    const qint64 latencyUs = event.timeUs - message.publishedAtUs;
    entry.latencyUs = latencyUs;
    if (m_total.latencyCount == 0) {
        m_minUs = latencyUs;
        m_maxUs = latencyUs;
    } else {
        m_minUs = std::min(m_minUs, latencyUs);
        m_maxUs = std::max(m_maxUs, latencyUs);
    }
    ++m_total.latencyCount;
    m_sumUs += double(latencyUs);
    const int bucket = bucketIndex(latencyUs);
    if (qsizetype(m_histogram.size()) <= bucket)
        m_histogram.resize(bucket + 1, 0);
    ++m_histogram[bucket];

    // Id sequence.
    const quint64 id = message.id;
    if (m_highestId == 0) {
        m_highestId = id;
        m_highestPublishedUs = message.publishedAtUs;
    } else if (id > m_highestId) {
        const quint64 jump = id - m_highestId;
        if (jump > 1) {
            // A run's first id is its start time in µs and ids then advance by one per message,
            // so an id of the same run stays below the publish time (µs) of any later message
            // (unless more messages were published than microseconds passed). An id above the
            // publish time of the last message seen therefore belongs to a newer server run,
            // which cost us nothing we could have seen.
            const bool newRun = id > quint64(std::max<qint64>(m_highestPublishedUs, 0));
            if (newRun) {
                m_missingIds.clear();
                m_seen.clear();
                m_seenOrder.clear();
            } else {
                const qint64 lost = qint64(jump - 1);
                m_total.missing += lost;
                entry.missing += qint32(std::min<qint64>(lost, std::numeric_limits<qint32>::max()));
                if (m_missingIds.size() + lost <= maxTrackedMissing) {
                    for (quint64 missingId = m_highestId + 1; missingId < id; ++missingId)
                        m_missingIds.insert(missingId);
                }
            }
        }
        m_highestId = id;
        m_highestPublishedUs = message.publishedAtUs;
    } else if (m_seen.contains(id)) {
        ++m_total.duplicates;
        entry.flags |= Duplicate;
        return;
    } else {
        ++m_total.outOfOrder;
        entry.flags |= OutOfOrder;
        if (m_missingIds.remove(id)) {
            --m_total.missing; // it did arrive after all
            --entry.missing;
        }
    }
    m_seen.insert(id);
    m_seenOrder.push_back(id);
    if (qsizetype(m_seenOrder.size()) > maxSeenIds) {
        m_seen.remove(m_seenOrder.front());
        m_seenOrder.pop_front();
    }
}

void LatencyStats::record(const Entry &entry) {
    // Drop what fell out of the window (relative to the newest event) and keep the count bounded.
    while (!m_recent.empty() && (m_recent.front().timeUs <= entry.timeUs - m_windowUs ||
                                 qsizetype(m_recent.size()) >= maxRecentEntries)) {
        m_recent.pop_front();
    }
    m_recent.push_back(entry);
}

double LatencyStats::percentileMs(const std::vector<qint64> &sorted, double q) {
    if (sorted.empty())
        return 0;
    // Nearest rank: the smallest value with at least q of the values at or below it.
    const auto rank = qsizetype(std::ceil(q * double(sorted.size())));
    const qsizetype index = std::clamp<qsizetype>(rank - 1, 0, qsizetype(sorted.size()) - 1);
    return double(sorted[size_t(index)]) / 1000.0;
}

LatencySummary LatencyStats::total() const {
    LatencySummary summary = m_total;
    if (summary.latencyCount == 0)
        return summary;
    summary.minMs = double(m_minUs) / 1000.0;
    summary.maxMs = double(m_maxUs) / 1000.0;
    summary.meanMs = m_sumUs / double(summary.latencyCount) / 1000.0;
    const auto fromHistogram = [this, &summary](double q) {
        const auto rank = std::max<qint64>(1, qint64(std::ceil(q * double(summary.latencyCount))));
        qint64 seen = 0;
        for (size_t i = 0; i < m_histogram.size(); ++i) {
            seen += m_histogram[i];
            if (seen >= rank) {
                const qint64 low = bucketLowUs(int(i));
                const qint64 high = bucketHighUs(int(i));
                const qint64 mid = low + (high - low - 1) / 2;
                return double(std::clamp(mid, m_minUs, m_maxUs)) / 1000.0;
            }
        }
        return double(m_maxUs) / 1000.0;
    };
    summary.p50Ms = fromHistogram(0.50);
    summary.p95Ms = fromHistogram(0.95);
    summary.p99Ms = fromHistogram(0.99);
    return summary;
}

LatencySummary LatencyStats::recent() const {
    return recent(PushLab::wallClockUs());
}

LatencySummary LatencyStats::recent(qint64 nowUs) const {
    LatencySummary summary;
    std::vector<qint64> latencies;
    double sumUs = 0;
    const qint64 from = nowUs - m_windowUs;
    for (auto it = m_recent.rbegin(); it != m_recent.rend() && it->timeUs > from; ++it) {
        const Entry &e = *it;
        if (e.timeUs > nowUs)
            continue;
        summary.bytesIn += e.bytes;
        summary.missing += e.missing;
        if (e.flags & Request)
            ++summary.requests;
        if (e.flags & Empty)
            ++summary.emptyResponses;
        if (e.flags & Reconnect)
            ++summary.reconnects;
        if (e.flags & Error)
            ++summary.errors;
        if (e.flags & Duplicate)
            ++summary.duplicates;
        if (e.flags & OutOfOrder)
            ++summary.outOfOrder;
        if (e.flags & Gap)
            ++summary.gaps;
        if (e.flags & Delivery) {
            ++summary.messages;
            latencies.push_back(e.latencyUs);
            sumUs += double(e.latencyUs);
        }
    }
    summary.missing = std::max<qint64>(summary.missing, 0);
    if (latencies.empty())
        return summary;
    std::sort(latencies.begin(), latencies.end());
    summary.latencyCount = qint64(latencies.size());
    summary.minMs = double(latencies.front()) / 1000.0;
    summary.maxMs = double(latencies.back()) / 1000.0;
    summary.meanMs = sumUs / double(latencies.size()) / 1000.0;
    summary.p50Ms = percentileMs(latencies, 0.50);
    summary.p95Ms = percentileMs(latencies, 0.95);
    summary.p99Ms = percentileMs(latencies, 0.99);
    return summary;
}
