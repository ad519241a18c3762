#pragma once

#include "pattern.h"
#include "trafficevent.h"

#include <QtCore/QString>

#include <deque>
#include <optional>

class TimelineGeometry;

// A message as the timeline knows it: the vertical guide at its publish moment. Created by
// our own publisher or by the first delivery of a message someone else published.
struct TimelineGuide {
    quint64 id = 0;
    qint64 publishedAtUs = 0;
    QString text;
};

// One delivery of one message to one lane.
struct TimelineArrival {
    quint64 id = 0;
    qint64 timeUs = 0;    // client clock
    qint64 latencyUs = 0; // timeUs - publishedAtUs
    qint64 bytes = 0;     // bytes of the response or event that carried it
    int status = 0;
};

// A request from sent to answered; an SSE stream from its GET to its end.
struct TimelineSpan {
    enum class Outcome { Open, Delivered, Empty, Timeout, Error, Closed };
    quint64 requestId = 0;
    qint64 startUs = 0;
    qint64 endUs = -1; // -1 while open
    int status = 0;
    int messages = 0;
    qint64 bytes = 0;
    Outcome outcome = Outcome::Open;
    bool isOpen() const { return outcome == Outcome::Open; }
};

// Reconnects, errors, history gaps and what the network lab's link did: drawn as small flags
// on the lane.
struct TimelineMarker {
    enum class Kind { Reconnect, Error, Gap, Stopped, Link };
    Kind kind = Kind::Error;
    qint64 timeUs = 0;
    QString detail;
};

struct TimelineLane {
    std::deque<TimelineSpan> spans;       // ordered by startUs
    std::deque<TimelineArrival> arrivals; // ordered by timeUs
    std::deque<TimelineMarker> markers;   // ordered by timeUs
    qint64 longestClosedSpanUs = 0;
};

// What is under the mouse.
struct TimelineHit {
    enum class Kind { None, Arrival, Marker, Span, Guide };
    Kind kind = Kind::None;
    PushLab::Pattern pattern = PushLab::Pattern::ShortPoll;
    TimelineArrival arrival;
    TimelineMarker marker;
    TimelineSpan span;
    TimelineGuide guide; // for an arrival: its message
};

// Everything the timeline draws, built from TrafficEvents and published messages. Bounded:
// items older than retention() (or beyond maxItemsPerLane()) are dropped by prune().
// Knows nothing of painting; the view asks it for what overlaps the visible range.
class TimelineModel final {
public:
    static constexpr qint64 DefaultRetentionUs = 5LL * 60'000'000; // 5 min
    static constexpr int DefaultMaxItemsPerLane = 60'000;

    void addTrafficEvent(const TrafficEvent &event);
    void addPublished(const DeliveredMessage &message);
    void clear();
    // Drops what ended before nowUs - retention() and enforces the item caps.
    void prune(qint64 nowUs);

    void setRetentionUs(qint64 us);
    qint64 retentionUs() const { return m_retentionUs; }
    void setMaxItemsPerLane(int count);
    int maxItemsPerLane() const { return m_maxItems; }

    // Grows by one on every change: the view repaints only when it moved.
    quint64 revision() const { return m_revision; }

    const TimelineLane &lane(PushLab::Pattern p) const { return m_lanes[p]; }
    const std::deque<TimelineGuide> &guides() const { return m_guides; }
    const TimelineGuide *guide(quint64 id) const;

    // Index ranges [first, last) of items that may overlap [fromUs, toUs] (open spans are
    // taken to last until nowUs).
    std::pair<size_t, size_t> spanRange(PushLab::Pattern p, qint64 fromUs, qint64 toUs,
                                        qint64 nowUs) const;
    std::pair<size_t, size_t> arrivalRange(PushLab::Pattern p, qint64 fromUs, qint64 toUs) const;
    std::pair<size_t, size_t> markerRange(PushLab::Pattern p, qint64 fromUs, qint64 toUs) const;
    std::pair<size_t, size_t> guideRange(qint64 fromUs, qint64 toUs) const;

    // The item nearest to pixel column x in lane p (arrivals first, then markers, then spans),
    // within tolerancePx. p == nullopt tests only the publish guides (the axis strip).
    TimelineHit hitTest(std::optional<PushLab::Pattern> p, const TimelineGeometry &geometry,
                        double x, double tolerancePx, qint64 nowUs) const;

private:
    TimelineLane &laneRef(PushLab::Pattern p) { return m_lanes[p]; }
    TimelineSpan *openSpan(TimelineLane &lane, quint64 requestId);
    void closeSpan(TimelineLane &lane, TimelineSpan &span, qint64 timeUs, TimelineSpan::Outcome o);
    void closeAllOpen(TimelineLane &lane, qint64 timeUs, TimelineSpan::Outcome o);
    void addArrivals(TimelineLane &lane, const TrafficEvent &event);
    void noteGuide(const DeliveredMessage &message);
    void addMarker(TimelineLane &lane, TimelineMarker::Kind kind, qint64 timeUs,
                   const QString &detail);

    PushLab::PatternMap<TimelineLane> m_lanes;
    std::deque<TimelineGuide> m_guides; // ordered by id (and so by publish time)
    qint64 m_retentionUs = DefaultRetentionUs;
    int m_maxItems = DefaultMaxItemsPerLane;
    quint64 m_revision = 0;
};
