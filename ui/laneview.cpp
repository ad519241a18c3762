#include "laneview.h"

#include "patterntheme.h"
#include "timelinemodel.h"
#include "timelineviewport.h"
#include "units.h"

#include <QtCore/QElapsedTimer>
#include <QtGui/QMouseEvent>
#include <QtGui/QPainter>
#include <QtGui/QPainterPath>
#include <QtWidgets/QToolTip>

#include <algorithm>
#include <cmath>
#include <vector>

using PushLab::Pattern;
using Outcome = TimelineSpan::Outcome;

namespace {

QColor spanColor(Pattern p, Outcome o) {
    switch (o) {
    case Outcome::Delivered:
        return PatternTheme::color(p);
    case Outcome::Open: {
        QColor c = PatternTheme::color(p);
        c.setAlpha(150);
        return c;
    }
    case Outcome::Empty:
    case Outcome::Timeout:
    case Outcome::Closed:
        return PatternTheme::mutedColor(p);
    case Outcome::Error:
        return PatternTheme::errorColor();
    }
    return PatternTheme::mutedColor(p);
}

QString outcomeName(Outcome o) {
    switch (o) {
    case Outcome::Open:
        return LaneView::tr("waiting for the answer");
    case Outcome::Delivered:
        return LaneView::tr("delivered");
    case Outcome::Empty:
        return LaneView::tr("empty answer");
    case Outcome::Timeout:
        return LaneView::tr("timed out (204), re-issued");
    case Outcome::Error:
        return LaneView::tr("failed");
    case Outcome::Closed:
        return LaneView::tr("closed");
    }
    return {};
}

} // namespace

LaneView::LaneView(Pattern pattern, const TimelineModel *model, TimelineViewport *viewport,
                   QWidget *parent)
    : QWidget(parent)
    , m_pattern(pattern)
    , m_model(model)
    , m_viewport(viewport) {
    setMouseTracking(true);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    setAccessibleName(PushLab::patternName(pattern) + tr(" lane"));
}

void LaneView::setRunning(bool running) {
    if (m_running == running)
        return;
    m_running = running;
    update();
}

void LaneView::paintEvent(QPaintEvent *) {
    QElapsedTimer timer;
    timer.start();
    QPainter painter(this);
    const TimelineGeometry &g = m_viewport->geometry();
    const qint64 now = m_viewport->nowUs();
    const double w = width(), h = height();
    const double liveX = g.xForTime(now);

    const QColor background = PatternTheme::laneBackground(m_pattern);
    painter.fillRect(rect(), background);
    // The future (right of "now") is left blank but shaded, so "now" reads as an edge.
    if (liveX < w)
        painter.fillRect(QRectF(liveX, 0, w - liveX, h),
                         PatternTheme::opaque(QColor(255, 255, 255, 150), background));

    // Grid at the ruler's ticks.
    painter.setPen(QPen(PatternTheme::gridLine(), 1));
    for (qint64 t : g.ticks(90))
        painter.drawLine(QPointF(g.xForTime(t), 0), QPointF(g.xForTime(t), h));

    const qint64 from = g.timeForX(-2), to = g.timeForX(w + 2);
    const double markY = std::round(h * 0.34);
    const double barTop = std::round(h * 0.60);
    const double barHeight = std::max(6.0, std::round(h * 0.18));
    // One long-lived connection rather than a request per answer.
    const bool isStream = m_pattern == Pattern::ServerSentEvents || m_pattern == Pattern::WebSocket;

    // Publish guides: one vertical line per message, across every lane. When there are more
    // than one per few pixels they would only grey the lane out: leave them to the ruler's
    // rug and say how to see them.
    bool denseGuides = false;
    {
        const auto [first, last] = m_model->guideRange(from, to);
        denseGuides = double(last - first) > w / 6;
        if (!denseGuides) {
            QColor c = PatternTheme::publishGuide();
            c.setAlpha(120);
            painter.setPen(QPen(PatternTheme::opaque(c, background), 1, Qt::DashLine));
            std::vector<QLineF> lines;
            lines.reserve(last - first);
            for (size_t i = first; i < last; ++i) {
                const double x = std::round(g.xForTime(m_model->guides()[i].publishedAtUs)) + 0.5;
                lines.emplace_back(x, 0, x, h);
            }
            painter.drawLines(lines.data(), int(lines.size()));
        }
    }

    const TimelineLane &lane = m_model->lane(m_pattern);

    // Request bars.
    {
        const auto [first, last] = m_model->spanRange(m_pattern, from, to, now);
        for (size_t i = first; i < last; ++i) {
            const TimelineSpan &s = lane.spans[i];
            const double x1 = std::max(-2.0, g.xForTime(s.startUs));
            const double x2 = std::min(w + 2, g.xForTime(s.isOpen() ? now : s.endUs));
            if (x2 < -1 || x1 > w + 1)
                continue;
            const QRectF bar(x1, barTop, std::max(2.0, x2 - x1), barHeight);
            if (s.isOpen() && !isStream) {
                // A poll still waiting: stripes, so it reads neither as delivered (solid) nor
                // as empty / timed out (faded).
                painter.fillRect(bar, PatternTheme::waitingBrush(m_pattern));
                painter.setPen(QPen(PatternTheme::color(m_pattern), 1));
                painter.drawRect(bar.adjusted(0.5, 0.5, -0.5, -0.5));
                continue;
            }
            painter.fillRect(bar,
                             PatternTheme::opaque(spanColor(m_pattern, s.outcome), background));
            // Back-to-back requests (long polls re-issued at once) would merge into one bar:
            // a hairline marks where each one starts.
            if (x2 - x1 > 4)
                painter.fillRect(QRectF(x1, barTop, 1, barHeight), Qt::white);
        }
    }

    // Arrivals: the mark sits right of its publish guide by the latency; a thin line joins them.
    {
        const auto [first, last] = m_model->arrivalRange(m_pattern, from, to);
        const QColor color = PatternTheme::color(m_pattern);
        const bool dense = double(last - first) > w / 8;
        if (dense) {
            // Too many to draw one by one legibly: ticks, no whiskers, no labels.
            for (size_t i = first; i < last; ++i) {
                const double x = g.xForTime(lane.arrivals[i].timeUs);
                painter.fillRect(QRectF(x - 1, markY - 6, 2, 12), color);
            }
        } else {
            painter.setRenderHint(QPainter::Antialiasing);
            QColor whisker = color;
            whisker.setAlpha(140);
            whisker = PatternTheme::opaque(whisker, background);
            QFont small = font();
            small.setPointSizeF(std::max(6.5, small.pointSizeF() * 0.82));
            painter.setFont(small);
            const QFontMetricsF fm(small);
            double labelFreeFrom = -1e9;
            // Several messages in one answer arrive at one instant: one dot per run of marks
            // that would cover each other, with the number of messages in it.
            std::vector<qint64> times;
            times.reserve(last - first);
            for (size_t i = first; i < last; ++i)
                times.push_back(lane.arrivals[i].timeUs);
            QFont countFont = small;
            countFont.setBold(true);
            for (const TimelineGeometry::Cluster &c : g.clusters(times, ArrivalDotPx)) {
                qint64 minLatency = 0, maxLatency = 0;
                for (size_t i = first + c.first; i < first + c.first + c.count; ++i) {
                    const TimelineArrival &a = lane.arrivals[i];
                    const double x = g.xForTime(a.timeUs);
                    const double gx = g.xForTime(a.timeUs - a.latencyUs);
                    if (x - gx > 1) {
                        painter.setPen(QPen(whisker, 1.5));
                        painter.drawLine(QPointF(gx, markY), QPointF(x, markY));
                    }
                    if (isStream) {
                        // SSE: a tick on the one long bar per event.
                        painter.setPen(QPen(Qt::white, 1.5));
                        painter.drawLine(QPointF(x, barTop + 1),
                                         QPointF(x, barTop + barHeight - 1));
                    }
                    minLatency =
                        i == first + c.first ? a.latencyUs : std::min(minLatency, a.latencyUs);
                    maxLatency = std::max(maxLatency, a.latencyUs);
                }
                const double x = g.xForTime(lane.arrivals[first + c.first].timeUs);
                const double radius = c.count > 1 ? 8 : 5;
                painter.setPen(QPen(Qt::white, 1.5));
                painter.setBrush(color);
                painter.drawEllipse(QPointF(x, markY), radius, radius);
                if (c.count > 1) {
                    painter.setFont(countFont);
                    painter.drawText(QRectF(x - radius, markY - radius, 2 * radius, 2 * radius),
                                     Qt::AlignCenter, QString::number(c.count));
                    painter.setFont(small);
                }
                // A range only where the figures differ as written.
                QString label = Units::duration(minLatency);
                if (const QString high = Units::duration(maxLatency); high != label)
                    label += QStringLiteral(" – ") + high;
                const double labelX = x + radius + 3;
                if (labelX > labelFreeFrom) {
                    const double lw = fm.horizontalAdvance(label);
                    painter.setPen(color.darker(130));
                    painter.drawText(QPointF(labelX, markY - 8), label);
                    labelFreeFrom = labelX + lw + 6;
                }
            }
            painter.setRenderHint(QPainter::Antialiasing, false);
            painter.setFont(font());
        }
    }

    // Reconnects, errors, gaps, the link's faults.
    {
        const auto [first, last] = m_model->markerRange(m_pattern, from, to);
        QFont bold = font();
        bold.setBold(true);
        painter.setFont(bold);
        for (size_t i = first; i < last; ++i) {
            const TimelineMarker &m = lane.markers[i];
            const double x = g.xForTime(m.timeUs);
            QColor c;
            QString glyph;
            switch (m.kind) {
            case TimelineMarker::Kind::Reconnect:
                c = PatternTheme::reconnectColor();
                glyph = QStringLiteral("↻");
                break;
            case TimelineMarker::Kind::Error:
                c = PatternTheme::errorColor();
                glyph = QStringLiteral("✕");
                break;
            case TimelineMarker::Kind::Gap:
                c = PatternTheme::errorColor();
                glyph = QStringLiteral("gap");
                break;
            case TimelineMarker::Kind::Stopped:
                c = PatternTheme::axisText();
                glyph = QStringLiteral("■");
                break;
            case TimelineMarker::Kind::Link:
                c = PatternTheme::linkColor();
                glyph = QStringLiteral("⚡");
                break;
            }
            painter.setPen(QPen(c, 1.5));
            painter.drawLine(QPointF(x, barTop - 4), QPointF(x, barTop + barHeight + 4));
            // The link's marks go above the bar: a drop and the reconnect it causes share a
            // moment, and both must show.
            const bool above = m.kind == TimelineMarker::Kind::Link;
            painter.drawText(QPointF(x + 3, above ? barTop - 4 : barTop + barHeight + 14), glyph);
        }
        painter.setFont(font());
    }

    // "Now" and the lane's bottom edge.
    if (liveX >= 0 && liveX <= w) {
        painter.setPen(QPen(PatternTheme::axisText(), 1));
        painter.drawLine(QPointF(liveX, 0), QPointF(liveX, h));
    }
    painter.setPen(QPen(PatternTheme::laneSeparator(), 1));
    painter.drawLine(QPointF(0, h - 0.5), QPointF(w, h - 0.5));

    if (denseGuides && m_pattern == PushLab::allPatterns.front()) {
        painter.setPen(PatternTheme::axisText());
        painter.drawText(QRectF(6, 2, std::max(0.0, liveX - 12), 18), Qt::AlignLeft | Qt::AlignTop,
                         tr("Too many messages to tell apart: pause (Space) and zoom in with the "
                            "wheel to see each one"));
    }
    if (!m_running) {
        painter.setPen(PatternTheme::axisText());
        painter.drawText(QRectF(0, 0, std::max(0.0, liveX - 8), barTop - 2),
                         Qt::AlignRight | Qt::AlignVCenter, tr("stopped"));
    }
    const qint64 ns = timer.nsecsElapsed();
    ++m_paintStats.paints;
    m_paintStats.totalNs += ns;
    m_paintStats.maxNs = std::max(m_paintStats.maxNs, ns);
}

void LaneView::resizeEvent(QResizeEvent *event) {
    QWidget::resizeEvent(event);
    m_viewport->setWidth(std::max(50, width() - RightMargin));
}

void LaneView::wheelEvent(QWheelEvent *event) {
    const double steps = event->angleDelta().y() / 120.0;
    if (steps == 0) {
        event->ignore();
        return;
    }
    m_viewport->zoom(std::pow(1.25, steps), event->position().x());
    event->accept();
}

void LaneView::mousePressEvent(QMouseEvent *event) {
    if (event->button() == Qt::LeftButton && m_viewport->isPaused()) {
        m_dragging = true;
        m_lastDragX = event->position().x();
        setCursor(Qt::ClosedHandCursor);
    }
    QWidget::mousePressEvent(event);
}

void LaneView::mouseMoveEvent(QMouseEvent *event) {
    if (m_dragging) {
        const double x = event->position().x();
        m_viewport->pan(x - m_lastDragX);
        m_lastDragX = x;
    }
    QWidget::mouseMoveEvent(event);
}

void LaneView::mouseReleaseEvent(QMouseEvent *event) {
    if (m_dragging && event->button() == Qt::LeftButton) {
        m_dragging = false;
        unsetCursor();
    }
    QWidget::mouseReleaseEvent(event);
}

bool LaneView::event(QEvent *event) {
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const QString text = toolTipAt(help->pos());
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), text, this);
        return true;
    }
    return QWidget::event(event);
}

QString LaneView::toolTipAt(QPointF pos) const {
    const TimelineHit hit =
        m_model->hitTest(m_pattern, m_viewport->geometry(), pos.x(), 5, m_viewport->nowUs());
    const QString name = PushLab::patternName(m_pattern);
    switch (hit.kind) {
    case TimelineHit::Kind::None:
    case TimelineHit::Kind::Guide:
        return {};
    case TimelineHit::Kind::Arrival: {
        // The other messages the same answer brought share its instant (and its dot).
        const TimelineLane &lane = m_model->lane(m_pattern);
        const auto [first, last] =
            m_model->arrivalRange(m_pattern, hit.arrival.timeUs, hit.arrival.timeUs);
        const auto together = std::count_if(
            lane.arrivals.begin() + qsizetype(first), lane.arrivals.begin() + qsizetype(last),
            [&hit](const TimelineArrival &a) { return a.timeUs == hit.arrival.timeUs; });
        QString text =
            tr("<b>%1</b> delivered message <b>#%2</b><br>“%3”<br>latency <b>%4</b><br>"
               "status %5, %6 in that response/event")
                .arg(name)
                .arg(hit.arrival.id)
                .arg(hit.guide.text.left(200).toHtmlEscaped(),
                     Units::duration(hit.arrival.latencyUs))
                .arg(hit.arrival.status ? QString::number(hit.arrival.status) : tr("stream"),
                     Units::bytes(double(hit.arrival.bytes)));
        if (together > 1)
            text += tr("<br>one of <b>%1</b> messages that arrived together (one answer)")
                        .arg(together);
        return text;
    }
    case TimelineHit::Kind::Marker:
        return tr("<b>%1</b>: %2").arg(name, hit.marker.detail.toHtmlEscaped());
    case TimelineHit::Kind::Span: {
        const TimelineSpan &s = hit.span;
        const qint64 end = s.isOpen() ? m_viewport->nowUs() : s.endUs;
        return tr("<b>%1</b> request %2: %3<br>%4%5<br>status %6, %7 received, %8 message(s)")
            .arg(name)
            .arg(s.requestId)
            .arg(outcomeName(s.outcome))
            .arg(s.isOpen() ? tr("open for ") : tr("took "), Units::duration(end - s.startUs))
            .arg(s.status ? QString::number(s.status) : tr("none"), Units::bytes(double(s.bytes)))
            .arg(s.messages);
    }
    }
    return {};
}
