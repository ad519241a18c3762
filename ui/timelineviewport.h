#pragma once

#include "timelinegeometry.h"

#include <QtCore/QObject>

// The one time axis the lanes and the ruler share: what is visible, and whether it
// follows live time. Views read geometry() and call the zoom/pan slots; all of them repaint
// on changed().
class TimelineViewport final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TimelineViewport)

public:
    explicit TimelineViewport(QObject *parent = nullptr);

    const TimelineGeometry &geometry() const { return m_geometry; }
    bool isPaused() const { return m_paused; }
    qint64 spanUs() const { return m_geometry.spanUs(); }
    // While live: the client clock time at the right edge (last advance()).
    qint64 nowUs() const { return m_nowUs; }

    // Live follow: moves the right edge to nowUs. Returns true when that moved the view by
    // at least a tenth of a pixel (otherwise a repaint would show the same picture).
    bool advance(qint64 nowUs);
    void setPaused(bool paused);
    void setWidth(double width);
    void setSpanUs(qint64 spanUs);
    // factor > 1 zooms in around anchorX; while live the right edge stays at "now".
    void zoom(double factor, double anchorX);
    // Drag: only while paused (a live view keeps "now" at its right edge).
    void pan(double dx);

Q_SIGNALS:
    void changed();
    void pausedChanged(bool paused);

private:
    TimelineGeometry m_geometry;
    qint64 m_nowUs = 0;
    bool m_paused = false;
};
