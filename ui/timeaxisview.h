#pragma once

#include <QtWidgets/QWidget>

class TimelineModel;
class TimelineViewport;

// The ruler above the lanes: clock-time ticks, and each message's text at its publish moment
// (where the guide line through the lanes starts).
class TimeAxisView final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TimeAxisView)

public:
    // Message labels: two rows of them above the ticks; a long text is cut no shorter than
    // MinLabelChars characters (a shorter one is shown whole or not at all), none wider than
    // MaxLabelPx.
    static constexpr int LabelRows = 2;
    static constexpr qsizetype MinLabelChars = 16;
    static constexpr double MaxLabelPx = 200;

    TimeAxisView(const TimelineModel *model, TimelineViewport *viewport, QWidget *parent = nullptr);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override { return sizeHint(); }

protected:
    void paintEvent(QPaintEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    bool event(QEvent *event) override;

private:
    const TimelineModel *m_model = nullptr;
    TimelineViewport *m_viewport = nullptr;
};
