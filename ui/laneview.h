#pragma once

#include "pattern.h"

#include <QtWidgets/QWidget>

class TimelineModel;
class TimelineViewport;

// One pattern's lane of the timeline: its request bars, its arrivals (a mark right of the
// publish guide by the latency), its reconnects and errors. Paints only from the model and
// the shared viewport; wheel zooms, drag pans (while paused), hover explains a mark.
class LaneView final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LaneView)

public:
    // Room right of "now" for the labels of the newest arrivals.
    static constexpr int RightMargin = 72;
    // An arrival's dot; marks closer than this are drawn as one dot with a count.
    static constexpr double ArrivalDotPx = 10;

    LaneView(PushLab::Pattern pattern, const TimelineModel *model, TimelineViewport *viewport,
             QWidget *parent = nullptr);

    PushLab::Pattern pattern() const { return m_pattern; }
    void setRunning(bool running);
    QSize sizeHint() const override { return {800, 110}; }
    QSize minimumSizeHint() const override { return {200, 70}; }

    // What painting has cost so far, for the benchmark.
    struct PaintStats {
        qint64 paints = 0;
        qint64 totalNs = 0;
        qint64 maxNs = 0;
    };
    PaintStats paintStats() const { return m_paintStats; }
    void resetPaintStats() { m_paintStats = {}; }

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    bool event(QEvent *event) override;

private:
    QString toolTipAt(QPointF pos) const;

    PushLab::Pattern m_pattern = PushLab::Pattern::ShortPoll;
    const TimelineModel *m_model = nullptr;
    TimelineViewport *m_viewport = nullptr;
    bool m_running = true;
    bool m_dragging = false;
    double m_lastDragX = 0;
    PaintStats m_paintStats;
};
