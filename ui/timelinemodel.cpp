#include "timelinemodel.h"

#include "timelinegeometry.h"
#include "units.h"
#include "wirecontract.h"

#include <algorithm>
#include <cmath>

using PushLab::Pattern;
using Kind = TrafficEvent::Kind;
using Outcome = TimelineSpan::Outcome;

namespace {

// Open requests are nearly always the last few spans of a lane: look no further back.
constexpr int OpenSearchDepth = 64;

Outcome outcomeFor(const TrafficEvent &event) {
    if (event.status == 204)
        return Outcome::Timeout;
    if (event.status < 200 || event.status >= 300)
        return Outcome::Error;
    return event.messages.isEmpty() ? Outcome::Empty : Outcome::Delivered;
}

template <typename Container> void capFront(Container &c, size_t max) {
    while (c.size() > max)
        c.pop_front();
}

} // namespace

void TimelineModel::addTrafficEvent(const TrafficEvent &event) {
    TimelineLane &lane = laneRef(event.pattern);
    switch (event.kind) {
    case Kind::RequestSent: {
        TimelineSpan span;
        span.requestId = event.requestId;
        span.startUs = event.timeUs;
        // Sent events arrive in time order per lane; insert sorted anyway (cheap at the back).
        auto it = std::upper_bound(lane.spans.begin(), lane.spans.end(), event.timeUs,
                                   [](qint64 t, const TimelineSpan &s) { return t < s.startUs; });
        lane.spans.insert(it, span);
        break;
    }
    case Kind::ResponseReceived:
        if (TimelineSpan *span = openSpan(lane, event.requestId)) {
            span->status = event.status;
            span->bytes += event.bytes;
            span->messages += int(event.messages.size());
            closeSpan(lane, *span, event.timeUs, outcomeFor(event));
        }
        // A poll answer can report lost history too ("gap" in the JSON).
        if (event.hasGap())
            addMarker(lane, TimelineMarker::Kind::Gap, event.timeUs, event.detail);
        addArrivals(lane, event);
        break;
    case Kind::StreamOpened:
        if (TimelineSpan *span = openSpan(lane, event.requestId)) {
            span->status = event.status;
            span->bytes += event.bytes;
        }
        break;
    case Kind::EventReceived:
        if (TimelineSpan *span = openSpan(lane, event.requestId)) {
            span->bytes += event.bytes;
            span->messages += int(event.messages.size());
        }
        if (event.hasGap() || event.eventType == QLatin1String(PushLab::Wire::gapEvent))
            addMarker(lane, TimelineMarker::Kind::Gap, event.timeUs,
                      event.detail.isEmpty() ? event.data : event.detail);
        addArrivals(lane, event);
        break;
    case Kind::ReconnectScheduled:
        closeAllOpen(lane, event.timeUs, Outcome::Closed);
        addMarker(lane, TimelineMarker::Kind::Reconnect, event.timeUs,
                  QStringLiteral("Reconnect in ") + Units::milliseconds(event.delayMs) +
                      (event.detail.isEmpty() ? QString() : QStringLiteral(": ") + event.detail));
        break;
    case Kind::Error:
        if (TimelineSpan *span = openSpan(lane, event.requestId)) {
            span->status = event.status;
            closeSpan(lane, *span, event.timeUs, Outcome::Error);
        }
        addMarker(lane, TimelineMarker::Kind::Error, event.timeUs, event.detail);
        break;
    case Kind::Stopped:
        closeAllOpen(lane, event.timeUs, Outcome::Closed);
        addMarker(lane, TimelineMarker::Kind::Stopped, event.timeUs, event.detail);
        break;
    case Kind::Link:
        addMarker(lane, TimelineMarker::Kind::Link, event.timeUs, event.detail);
        break;
    }
    ++m_revision;
}

void TimelineModel::addPublished(const DeliveredMessage &message) {
    noteGuide(message);
    ++m_revision;
}

void TimelineModel::clear() {
    for (TimelineLane &lane : m_lanes) {
        // Keep requests still in flight so their answers still close a bar.
        std::deque<TimelineSpan> open;
        for (const TimelineSpan &s : lane.spans) {
            if (s.isOpen())
                open.push_back(s);
        }
        lane = TimelineLane{};
        lane.spans = std::move(open);
    }
    m_guides.clear();
    ++m_revision;
}

void TimelineModel::prune(qint64 nowUs) {
    const qint64 cutoff = nowUs - m_retentionUs;
    const size_t max = size_t(m_maxItems);
    bool changed = false;
    for (TimelineLane &lane : m_lanes) {
        const size_t before = lane.spans.size() + lane.arrivals.size() + lane.markers.size();
        while (!lane.spans.empty() && !lane.spans.front().isOpen() &&
               lane.spans.front().endUs < cutoff)
            lane.spans.pop_front();
        while (!lane.arrivals.empty() && lane.arrivals.front().timeUs < cutoff)
            lane.arrivals.pop_front();
        while (!lane.markers.empty() && lane.markers.front().timeUs < cutoff)
            lane.markers.pop_front();
        capFront(lane.spans, max);
        capFront(lane.arrivals, max);
        capFront(lane.markers, max);
        changed =
            changed || before != lane.spans.size() + lane.arrivals.size() + lane.markers.size();
    }
    const size_t guidesBefore = m_guides.size();
    while (!m_guides.empty() && m_guides.front().publishedAtUs < cutoff)
        m_guides.pop_front();
    capFront(m_guides, max);
    if (changed || guidesBefore != m_guides.size())
        ++m_revision;
}

void TimelineModel::setRetentionUs(qint64 us) {
    m_retentionUs = std::max<qint64>(1'000'000, us);
}

void TimelineModel::setMaxItemsPerLane(int count) {
    m_maxItems = std::max(100, count);
}

const TimelineGuide *TimelineModel::guide(quint64 id) const {
    auto it = std::lower_bound(m_guides.begin(), m_guides.end(), id,
                               [](const TimelineGuide &g, quint64 v) { return g.id < v; });
    return it != m_guides.end() && it->id == id ? &*it : nullptr;
}

std::pair<size_t, size_t> TimelineModel::spanRange(Pattern p, qint64 fromUs, qint64 toUs,
                                                   qint64 nowUs) const {
    const TimelineLane &l = lane(p);
    qint64 longest = l.longestClosedSpanUs;
    const size_t tail = l.spans.size() > OpenSearchDepth ? l.spans.size() - OpenSearchDepth : 0;
    for (size_t i = tail; i < l.spans.size(); ++i) {
        if (l.spans[i].isOpen())
            longest = std::max(longest, nowUs - l.spans[i].startUs);
    }
    const auto byStart = [](const TimelineSpan &s, qint64 t) {
        return s.startUs < t;
    };
    auto first = std::lower_bound(l.spans.begin(), l.spans.end(), fromUs - longest, byStart);
    auto last = std::upper_bound(l.spans.begin(), l.spans.end(), toUs,
                                 [](qint64 t, const TimelineSpan &s) { return t < s.startUs; });
    if (last < first)
        last = first;
    return {size_t(first - l.spans.begin()), size_t(last - l.spans.begin())};
}

std::pair<size_t, size_t> TimelineModel::arrivalRange(Pattern p, qint64 fromUs, qint64 toUs) const {
    const auto &a = lane(p).arrivals;
    auto first = std::lower_bound(a.begin(), a.end(), fromUs,
                                  [](const TimelineArrival &x, qint64 t) { return x.timeUs < t; });
    auto last = std::upper_bound(first, a.end(), toUs,
                                 [](qint64 t, const TimelineArrival &x) { return t < x.timeUs; });
    return {size_t(first - a.begin()), size_t(last - a.begin())};
}

std::pair<size_t, size_t> TimelineModel::markerRange(Pattern p, qint64 fromUs, qint64 toUs) const {
    const auto &m = lane(p).markers;
    auto first = std::lower_bound(m.begin(), m.end(), fromUs,
                                  [](const TimelineMarker &x, qint64 t) { return x.timeUs < t; });
    auto last = std::upper_bound(first, m.end(), toUs,
                                 [](qint64 t, const TimelineMarker &x) { return t < x.timeUs; });
    return {size_t(first - m.begin()), size_t(last - m.begin())};
}

std::pair<size_t, size_t> TimelineModel::guideRange(qint64 fromUs, qint64 toUs) const {
    // Ordered by id, and ids are handed out in publish order: publish times are sorted too.
    auto first =
        std::lower_bound(m_guides.begin(), m_guides.end(), fromUs,
                         [](const TimelineGuide &g, qint64 t) { return g.publishedAtUs < t; });
    auto last = std::upper_bound(first, m_guides.end(), toUs, [](qint64 t, const TimelineGuide &g) {
        return t < g.publishedAtUs;
    });
    return {size_t(first - m_guides.begin()), size_t(last - m_guides.begin())};
}

TimelineHit TimelineModel::hitTest(std::optional<Pattern> p, const TimelineGeometry &geometry,
                                   double x, double tolerancePx, qint64 nowUs) const {
    TimelineHit hit;
    const qint64 slack = qint64(std::ceil(tolerancePx * geometry.microsecondsPerPixel()));
    const qint64 t = geometry.timeForX(x);
    const auto nearest = [&](auto range, const auto &items, auto timeOf) -> std::optional<size_t> {
        std::optional<size_t> best;
        double bestDistance = tolerancePx;
        for (size_t i = range.first; i < range.second; ++i) {
            const double d = std::abs(geometry.xForTime(timeOf(items[i])) - x);
            if (d <= bestDistance) {
                bestDistance = d;
                best = i;
            }
        }
        return best;
    };

    if (!p) {
        const auto g = nearest(guideRange(t - slack, t + slack), m_guides,
                               [](const TimelineGuide &v) { return v.publishedAtUs; });
        if (g) {
            hit.kind = TimelineHit::Kind::Guide;
            hit.guide = m_guides[*g];
        }
        return hit;
    }

    hit.pattern = *p;
    const TimelineLane &l = lane(*p);
    if (auto a = nearest(arrivalRange(*p, t - slack, t + slack), l.arrivals,
                         [](const TimelineArrival &v) { return v.timeUs; })) {
        hit.kind = TimelineHit::Kind::Arrival;
        hit.arrival = l.arrivals[*a];
        if (const TimelineGuide *g = guide(hit.arrival.id))
            hit.guide = *g;
        return hit;
    }
    if (auto m = nearest(markerRange(*p, t - slack, t + slack), l.markers,
                         [](const TimelineMarker &v) { return v.timeUs; })) {
        hit.kind = TimelineHit::Kind::Marker;
        hit.marker = l.markers[*m];
        return hit;
    }
    const auto [first, last] = spanRange(*p, t, t, nowUs);
    for (size_t i = last; i > first; --i) {
        const TimelineSpan &s = l.spans[i - 1];
        const qint64 end = s.isOpen() ? nowUs : s.endUs;
        // Very short bars are drawn at least a few pixels wide: hit them the same way.
        if (t + slack >= s.startUs && t - slack <= end) {
            hit.kind = TimelineHit::Kind::Span;
            hit.span = s;
            return hit;
        }
    }
    return hit;
}

TimelineSpan *TimelineModel::openSpan(TimelineLane &lane, quint64 requestId) {
    const size_t n = lane.spans.size();
    const size_t stop = n > OpenSearchDepth ? n - OpenSearchDepth : 0;
    for (size_t i = n; i > stop; --i) {
        TimelineSpan &s = lane.spans[i - 1];
        if (s.requestId == requestId && s.isOpen())
            return &s;
    }
    return nullptr;
}

void TimelineModel::closeSpan(TimelineLane &lane, TimelineSpan &span, qint64 timeUs, Outcome o) {
    span.endUs = std::max(timeUs, span.startUs);
    span.outcome = o;
    lane.longestClosedSpanUs = std::max(lane.longestClosedSpanUs, span.endUs - span.startUs);
}

void TimelineModel::closeAllOpen(TimelineLane &lane, qint64 timeUs, Outcome o) {
    const size_t n = lane.spans.size();
    const size_t stop = n > OpenSearchDepth ? n - OpenSearchDepth : 0;
    for (size_t i = stop; i < n; ++i) {
        if (lane.spans[i].isOpen())
            closeSpan(lane, lane.spans[i], timeUs, o);
    }
}

void TimelineModel::addArrivals(TimelineLane &lane, const TrafficEvent &event) {
    for (const DeliveredMessage &m : event.messages) {
        noteGuide(m);
        TimelineArrival a;
        a.id = m.id;
        a.timeUs = event.timeUs;
        a.latencyUs = event.timeUs - m.publishedAtUs;
        a.bytes = event.bytes;
        a.status = event.status;
        auto it = std::upper_bound(lane.arrivals.begin(), lane.arrivals.end(), a.timeUs,
                                   [](qint64 t, const TimelineArrival &x) { return t < x.timeUs; });
        lane.arrivals.insert(it, a);
    }
}

void TimelineModel::noteGuide(const DeliveredMessage &message) {
    auto it = std::lower_bound(m_guides.begin(), m_guides.end(), message.id,
                               [](const TimelineGuide &g, quint64 v) { return g.id < v; });
    if (it != m_guides.end() && it->id == message.id)
        return;
    m_guides.insert(it, TimelineGuide{message.id, message.publishedAtUs, message.text});
}

void TimelineModel::addMarker(TimelineLane &lane, TimelineMarker::Kind kind, qint64 timeUs,
                              const QString &detail) {
    TimelineMarker m{kind, timeUs, detail};
    auto it = std::upper_bound(lane.markers.begin(), lane.markers.end(), timeUs,
                               [](qint64 t, const TimelineMarker &x) { return t < x.timeUs; });
    lane.markers.insert(it, m);
}
