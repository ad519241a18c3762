#include "timeaxisview.h"

#include "patterntheme.h"
#include "timelinemodel.h"
#include "timelineviewport.h"
#include "units.h"

#include <QtCore/QDateTime>
#include <QtGui/QPainter>
#include <QtGui/QWheelEvent>
#include <QtWidgets/QToolTip>

#include <algorithm>
#include <cmath>

TimeAxisView::TimeAxisView(const TimelineModel *model, TimelineViewport *viewport, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_viewport(viewport) {
    setAttribute(Qt::WA_OpaquePaintEvent);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setMouseTracking(true);
}

QSize TimeAxisView::sizeHint() const {
    return {800, (LabelRows + 1) * fontMetrics().height() + 10};
}

void TimeAxisView::paintEvent(QPaintEvent *) {
    QPainter painter(this);
    const TimelineGeometry &g = m_viewport->geometry();
    const double w = width(), h = height();
    const double row = fontMetrics().height();
    painter.fillRect(rect(), palette().window());

    // Tick labels on the lower row.
    const qint64 step = g.tickStepUs(90);
    painter.setPen(PatternTheme::axisText());
    for (qint64 t : g.ticks(90)) {
        const double x = g.xForTime(t);
        painter.drawLine(QPointF(x, h - 5), QPointF(x, h));
        const QString label = Units::clockTime(t, step);
        const double lw = painter.fontMetrics().horizontalAdvance(label);
        if (x - lw / 2 >= 0 && x + lw / 2 <= w)
            painter.drawText(QPointF(x - lw / 2, h - 7), label);
    }

    // Message labels on the two upper rows, left-aligned on their guides. A label is shown
    // whole (a long one cut no shorter than MinLabelChars) or left out, never cut to a stub
    // like "wind…": the second row takes what the first has no room for, and a message left
    // out still explains itself on hover.
    QFont f = font();
    f.setBold(true);
    painter.setFont(f);
    const QFontMetricsF fm(f);
    const qint64 from = g.timeForX(-200), to = g.timeForX(w);
    const auto [first, last] = m_model->guideRange(from, to);
    // When dense, only the newest labels are legible: walk backwards from the newest.
    const bool dense = double(last - first) > w / 6;
    // Dense: a rug of short ticks under the labels; otherwise the start of each guide line,
    // below both label rows (a newer guide must not cross an older label on the second row).
    const QPen guidePen(PatternTheme::publishGuide(), 1, dense ? Qt::SolidLine : Qt::DashLine);
    const double guideTop = dense ? h - 5 : LabelRows * row + 2;
    TimelineGeometry::LabelPlacer placer(LabelRows, w, 7);
    const double narrowest = fm.horizontalAdvance(QStringLiteral("…")) * 2;
    int drawn = 0;
    for (size_t i = last; i > first; --i) {
        const TimelineGuide &guide = m_model->guides()[i - 1];
        const double x = std::round(g.xForTime(guide.publishedAtUs)) + 0.5;
        painter.setPen(guidePen);
        painter.drawLine(QPointF(x, guideTop), QPointF(x, h));
        // Measure only what has room (dense, most guides have none); no label cut by the left edge.
        if (drawn >= 100 || x + 3 < 0 || placer.roomAt(x + 3) < narrowest)
            continue;
        const QString full = guide.text.left(60);
        const double fullWidth = std::min(MaxLabelPx, fm.horizontalAdvance(full));
        // Dense, only whole labels: a row of cut "Auto …" helps nobody.
        const double minWidth =
            dense || full.size() <= MinLabelChars
                ? fullWidth
                : std::min(fullWidth,
                           fm.horizontalAdvance(full.left(MinLabelChars) + QStringLiteral("…")));
        const TimelineGeometry::LabelSlot slot = placer.place({x + 3, fullWidth, minWidth});
        if (slot.row < 0)
            continue;
        painter.setPen(PatternTheme::publishGuide());
        painter.drawText(QPointF(x + 3, (slot.row + 1) * row - 1),
                         fm.elidedText(full, Qt::ElideRight, slot.width + 0.5));
        ++drawn;
    }
    painter.setPen(PatternTheme::laneSeparator());
    painter.drawLine(QPointF(0, h - 0.5), QPointF(w, h - 0.5));
}

void TimeAxisView::wheelEvent(QWheelEvent *event) {
    const double steps = event->angleDelta().y() / 120.0;
    if (steps != 0)
        m_viewport->zoom(std::pow(1.25, steps), event->position().x());
    event->accept();
}

bool TimeAxisView::event(QEvent *event) {
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const TimelineHit hit = m_model->hitTest(std::nullopt, m_viewport->geometry(),
                                                 help->pos().x(), 5, m_viewport->nowUs());
        if (hit.kind == TimelineHit::Kind::Guide) {
            QToolTip::showText(
                help->globalPos(),
                tr("Message <b>#%1</b> published at %2<br>“%3”")
                    .arg(hit.guide.id)
                    .arg(QDateTime::fromMSecsSinceEpoch(hit.guide.publishedAtUs / 1000)
                             .toString(QStringLiteral("HH:mm:ss.zzz")),
                         hit.guide.text.left(300).toHtmlEscaped()),
                this);
        } else {
            QToolTip::hideText();
        }
        return true;
    }
    return QWidget::event(event);
}
