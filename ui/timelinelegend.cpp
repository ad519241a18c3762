#include "timelinelegend.h"

#include "pattern.h"
#include "patterntheme.h"
#include "timelineviewport.h"
#include "units.h"

#include <QtGui/QPainter>

using PushLab::Pattern;

TimelineLegend::TimelineLegend(const TimelineViewport *viewport, QWidget *parent)
    : QWidget(parent)
    , m_viewport(viewport) {
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    connect(viewport, &TimelineViewport::pausedChanged, this, [this] { update(); });
}

QSize TimelineLegend::sizeHint() const {
    return {800, fontMetrics().height() + 10};
}

void TimelineLegend::paintEvent(QPaintEvent *) {
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const double h = height();
    const double cy = h / 2;
    const QFontMetricsF fm(font());
    const double textY = cy + fm.ascent() / 2 - 1;
    double x = 6;
    const QColor text = PatternTheme::axisText();
    const auto label = [&](const QString &s) {
        painter.setPen(text);
        painter.drawText(QPointF(x, textY), s);
        x += fm.horizontalAdvance(s) + 16;
    };

    // Publish guide.
    painter.setPen(QPen(PatternTheme::publishGuide(), 1, Qt::DashLine));
    painter.drawLine(QPointF(x + 3, 3), QPointF(x + 3, h - 3));
    x += 10;
    label(tr("published"));

    // Arrival with its latency whisker, in the pattern colours.
    for (Pattern p : PushLab::allPatterns) {
        painter.setPen(QPen(PatternTheme::color(p), 1.5));
        painter.setBrush(PatternTheme::color(p));
        painter.drawEllipse(QPointF(x + 4, cy), 4, 4);
        x += 11;
    }
    label(tr("arrived (line = latency)"));

    const Pattern sample = Pattern::LongPoll;
    painter.fillRect(QRectF(x, cy - 4, 22, 8), PatternTheme::color(sample));
    x += 27;
    label(tr("request that delivered"));
    painter.fillRect(QRectF(x, cy - 4, 22, 8), PatternTheme::mutedColor(sample));
    x += 27;
    label(tr("empty / timed out"));
    painter.setRenderHint(QPainter::Antialiasing, false);
    painter.fillRect(QRectF(x, cy - 4, 22, 8), PatternTheme::waitingBrush(sample));
    painter.setPen(PatternTheme::color(sample));
    painter.setBrush(Qt::NoBrush);
    painter.drawRect(QRectF(x + 0.5, cy - 3.5, 21, 7));
    painter.setRenderHint(QPainter::Antialiasing);
    x += 27;
    label(tr("waiting"));
    painter.fillRect(QRectF(x, cy - 4, 22, 8), PatternTheme::errorColor());
    x += 27;
    label(tr("failed"));
    painter.setPen(PatternTheme::reconnectColor());
    painter.drawText(QPointF(x, textY), QStringLiteral("↻"));
    x += fm.horizontalAdvance(QStringLiteral("↻")) + 4;
    label(tr("reconnect"));

    // Live / paused status, right-aligned.
    const QString status = m_viewport->isPaused()
                               ? tr("PAUSED · %1 shown · wheel zooms, drag pans, Space resumes")
                                     .arg(Units::span(m_viewport->spanUs()))
                               : tr("LIVE · last %1 · wheel zooms, Space pauses")
                                     .arg(Units::span(m_viewport->spanUs()));
    const double sw = fm.horizontalAdvance(status) + 14;
    const QRectF box(width() - sw - 4, 2, sw, h - 4);
    if (box.left() > x) {
        painter.setPen(Qt::NoPen);
        painter.setBrush(m_viewport->isPaused() ? PatternTheme::pausedBanner()
                                                : palette().alternateBase().color());
        painter.drawRoundedRect(box, 4, 4);
        painter.setPen(text);
        painter.drawText(box, Qt::AlignCenter, status);
    }
}
