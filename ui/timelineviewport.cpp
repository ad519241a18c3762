#include "timelineviewport.h"

#include <cmath>

TimelineViewport::TimelineViewport(QObject *parent)
    : QObject(parent) {}

bool TimelineViewport::advance(qint64 nowUs) {
    const qint64 previous = m_nowUs;
    m_nowUs = nowUs;
    if (m_paused)
        return false;
    const TimelineGeometry next = m_geometry.endingAt(nowUs);
    if (std::abs(m_geometry.pixelsFor(next.startUs() - m_geometry.startUs())) < 0.1 &&
        previous != 0)
        return false;
    m_geometry = next;
    Q_EMIT changed();
    return true;
}

void TimelineViewport::setPaused(bool paused) {
    if (m_paused == paused)
        return;
    m_paused = paused;
    if (!paused) {
        // Back to live, at the zoom the user chose while paused.
        m_geometry = m_geometry.endingAt(m_nowUs);
    }
    Q_EMIT pausedChanged(paused);
    Q_EMIT changed();
}

void TimelineViewport::setWidth(double width) {
    if (width == m_geometry.width())
        return;
    m_geometry = m_geometry.withPixels(0, width);
    Q_EMIT changed();
}

void TimelineViewport::setSpanUs(qint64 spanUs) {
    const TimelineGeometry next = m_geometry.withSpan(spanUs);
    if (next == m_geometry)
        return;
    m_geometry = next;
    Q_EMIT changed();
}

void TimelineViewport::zoom(double factor, double anchorX) {
    // Live, the right edge stays "now" whatever the mouse points at.
    const TimelineGeometry next =
        m_paused ? m_geometry.zoomed(factor, anchorX)
                 : m_geometry.zoomed(factor, m_geometry.right()).endingAt(m_nowUs);
    if (next == m_geometry)
        return;
    m_geometry = next;
    Q_EMIT changed();
}

void TimelineViewport::pan(double dx) {
    if (!m_paused || dx == 0)
        return;
    m_geometry = m_geometry.panned(dx);
    Q_EMIT changed();
}
