#pragma once

#include <QtWidgets/QWidget>

class TimelineViewport;

// The key under the lanes: what each mark means, and whether the view is live or paused
// (with the keys and gestures that apply).
class TimelineLegend final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TimelineLegend)

public:
    explicit TimelineLegend(const TimelineViewport *viewport, QWidget *parent = nullptr);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override { return {200, sizeHint().height()}; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    const TimelineViewport *m_viewport = nullptr;
};
