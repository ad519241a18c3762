#include "timelinegeometry.h"

#include <algorithm>
#include <cmath>

TimelineGeometry::TimelineGeometry(qint64 startUs, qint64 spanUs, double left, double width)
    : m_startUs(startUs)
    , m_spanUs(std::clamp(spanUs, MinSpanUs, MaxSpanUs))
    , m_left(left)
    , m_width(std::max(1.0, width)) // a zero-width view would divide by zero below
{}

double TimelineGeometry::xForTime(qint64 us) const {
    return m_left + double(us - m_startUs) * m_width / double(m_spanUs);
}

qint64 TimelineGeometry::timeForX(double x) const {
    return m_startUs + qint64(std::llround((x - m_left) * double(m_spanUs) / m_width));
}

double TimelineGeometry::pixelsFor(qint64 durationUs) const {
    return double(durationUs) * m_width / double(m_spanUs);
}

double TimelineGeometry::microsecondsPerPixel() const {
    return double(m_spanUs) / m_width;
}

bool TimelineGeometry::hits(qint64 us, double x, double tolerancePx) const {
    return std::abs(xForTime(us) - x) <= tolerancePx;
}

TimelineGeometry TimelineGeometry::endingAt(qint64 nowUs) const {
    return {nowUs - m_spanUs, m_spanUs, m_left, m_width};
}

TimelineGeometry TimelineGeometry::zoomed(double factor, double anchorX) const {
    if (!(factor > 0))
        return *this;
    const qint64 anchorUs = timeForX(anchorX);
    const qint64 span =
        std::clamp(qint64(std::llround(double(m_spanUs) / factor)), MinSpanUs, MaxSpanUs);
    const double fraction = (anchorX - m_left) / m_width;
    const qint64 start = anchorUs - qint64(std::llround(fraction * double(span)));
    return {start, span, m_left, m_width};
}

TimelineGeometry TimelineGeometry::panned(double dx) const {
    const qint64 shift = qint64(std::llround(dx * microsecondsPerPixel()));
    return {m_startUs - shift, m_spanUs, m_left, m_width};
}

TimelineGeometry TimelineGeometry::withPixels(double left, double width) const {
    return {m_startUs, m_spanUs, left, width};
}

TimelineGeometry TimelineGeometry::withSpan(qint64 spanUs) const {
    const qint64 span = std::clamp(spanUs, MinSpanUs, MaxSpanUs);
    return {endUs() - span, span, m_left, m_width};
}

qint64 TimelineGeometry::tickStepUs(double minSpacingPx) const {
    const double minStep = std::max(1.0, minSpacingPx * microsecondsPerPixel());
    qint64 decade = 1;
    // Bounded: 19 decades cover every qint64.
    for (int i = 0; i < 19; ++i) {
        for (qint64 mult : {1, 2, 5}) {
            if (double(decade * mult) >= minStep)
                return decade * mult;
        }
        decade *= 10;
    }
    return decade;
}

std::vector<qint64> TimelineGeometry::ticks(double minSpacingPx) const {
    const qint64 step = tickStepUs(minSpacingPx);
    std::vector<qint64> out;
    // First multiple of step at or after the start (floor division works for negatives too).
    qint64 first = (m_startUs / step) * step;
    if (first < m_startUs)
        first += step;
    for (qint64 t = first; t <= endUs() && out.size() < 1000; t += step)
        out.push_back(t);
    return out;
}

std::vector<TimelineGeometry::Cluster>
TimelineGeometry::clusters(const std::vector<qint64> &sortedUs, double minApartPx) const {
    std::vector<Cluster> out;
    for (size_t i = 0; i < sortedUs.size(); ++i) {
        // Measured from the run's first mark, not the previous one: a steady stream of marks
        // 1 px apart makes many small runs, not one run across the lane.
        if (!out.empty() &&
            xForTime(sortedUs[i]) - xForTime(sortedUs[out.back().first]) < minApartPx) {
            ++out.back().count;
            continue;
        }
        out.push_back({i, 1});
    }
    return out;
}

std::vector<TimelineGeometry::LabelSlot>
TimelineGeometry::placeLabels(const std::vector<Label> &newestFirst, int rows, double right,
                              double gapPx) {
    std::vector<LabelSlot> out;
    out.reserve(newestFirst.size());
    LabelPlacer placer(rows, right, gapPx);
    for (const Label &l : newestFirst)
        out.push_back(placer.place(l));
    return out;
}

TimelineGeometry::LabelPlacer::LabelPlacer(int rows, double right, double gapPx)
    : m_freeUntil(size_t(std::max(0, rows)), right)
    , m_gapPx(gapPx) {}

TimelineGeometry::LabelSlot TimelineGeometry::LabelPlacer::place(const Label &l) {
    for (size_t row = 0; row < m_freeUntil.size(); ++row) {
        const double room = m_freeUntil[row] - l.x;
        if (room < l.minWidth)
            continue;
        m_freeUntil[row] = l.x - m_gapPx;
        return {int(row), std::min(l.fullWidth, room)};
    }
    return {};
}

double TimelineGeometry::LabelPlacer::roomAt(double x) const {
    double most = 0;
    for (const double f : m_freeUntil)
        most = std::max(most, f - x);
    return most;
}
