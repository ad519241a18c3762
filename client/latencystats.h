#pragma once

#include "latencysummary.h"
#include "trafficevent.h"

#include <QtCore/QSet>

#include <deque>
#include <vector>

// Statistics of one pattern's TrafficEvents: counters, delivery latency (receive time minus
// publishedAt) and id sequence checks. A value type: feed it events, read summaries.
// Memory is bounded: the whole run goes into a log-linear histogram (< 1 % error per value),
// the recent window keeps at most maxRecentEntries entries.
class LatencyStats final {
public:
    static constexpr qint64 defaultWindowUs = 30'000'000;
    static constexpr qsizetype maxRecentEntries = 200'000;

    void add(const TrafficEvent &event);
    void clear();

    LatencySummary total() const;
    // Last windowUs (default 30 s) before now.
    LatencySummary recent() const;
    // Last windowUs before nowUs (client clock, µs since the epoch).
    LatencySummary recent(qint64 nowUs) const;

    void setWindowUs(qint64 us) { m_windowUs = us; }
    qint64 windowUs() const { return m_windowUs; }

    // Histogram geometry, public for tests.
    static int bucketIndex(qint64 valueUs);
    static qint64 bucketLowUs(int index);
    static qint64 bucketHighUs(int index); // exclusive

private:
    struct Entry {
        qint64 timeUs = 0;
        qint64 latencyUs = 0;
        qint64 bytes = 0;
        qint32 missing = 0; // may be negative: a late message repays a missing one
        quint16 flags = 0;
    };
    enum Flag : quint16 {
        Request = 1,
        Empty = 2,
        Delivery = 4,
        Reconnect = 8,
        Error = 16,
        Duplicate = 32,
        OutOfOrder = 64,
        Gap = 128,
    };

    void record(const Entry &entry);
    void deliver(const TrafficEvent &event, const DeliveredMessage &message, Entry &entry);
    void applyGap(const TrafficEvent &event, Entry &entry);
    static double percentileMs(const std::vector<qint64> &sorted, double q);

    LatencySummary m_total;
    double m_sumUs = 0;
    qint64 m_minUs = 0;
    qint64 m_maxUs = 0;
    std::vector<qint64> m_histogram; // counts per bucket, grown on demand
    std::deque<Entry> m_recent;
    qint64 m_windowUs = defaultWindowUs;

    // Id sequence.
    quint64 m_highestId = 0; // highest id delivered so far in this run (0 = none)
    qint64 m_highestPublishedUs = 0;
    QSet<quint64> m_missingIds;      // ids counted missing that may still arrive (bounded)
    std::deque<quint64> m_seenOrder; // recent ids, for duplicate detection (bounded)
    QSet<quint64> m_seen;
};
