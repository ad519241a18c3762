#pragma once

#include "pattern.h"

#include <QtWidgets/QWidget>

class LanePanel;
class LaneView;
class TimeAxisView;
class TimelineLegend;
class TimelineModel;
class TimelineViewport;

// The lanes (one per pattern) on one time axis: the axis strip, each pattern's panel (name, setting,
// counts) beside its lane, and the legend. Lanes and axis repaint when the viewport moves.
class TimelinePane final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TimelinePane)

public:
    TimelinePane(const TimelineModel *model, TimelineViewport *viewport, QWidget *parent = nullptr);

    LanePanel *lanePanel(PushLab::Pattern p) const { return m_panels[p]; }
    LaneView *laneView(PushLab::Pattern p) const { return m_laneViews[p]; }
    void setLanesEnabled(bool enabled);
    // New traffic: the lanes and the axis repaint (the legend shows the zoom, not the traffic).
    void repaintTraffic();

private:
    void onViewportChanged();

    TimelineViewport *m_viewport = nullptr;
    TimeAxisView *m_axis = nullptr;              // child
    TimelineLegend *m_legend = nullptr;          // child
    PushLab::PatternMap<LanePanel *> m_panels;   // children
    PushLab::PatternMap<LaneView *> m_laneViews; // children
    qint64 m_legendSpanUs = 0;
};
