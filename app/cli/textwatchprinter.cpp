#include "textwatchprinter.h"

#include "units.h"

#include <QtCore/QDateTime>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>

#include <algorithm>
#include <vector>

namespace {

QString quoted(const QString &text) {
    // A JSON string literal: one line whatever the text holds, and unambiguous.
    const QByteArray json = QJsonDocument(QJsonArray{text}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(json.sliced(1, json.size() - 2));
}

double latencyMs(const TrafficEvent &event, const DeliveredMessage &message) {
    return double(event.timeUs - message.publishedAtUs) / 1000.0;
}

// The first cell left-justified, the others right-justified, two spaces apart.
QString row(const QStringList &cells, const std::vector<int> &widths) {
    QString line;
    for (qsizetype i = 0; i < cells.size(); ++i)
        line += i == 0 ? cells[i].leftJustified(widths[size_t(i)])
                       : QLatin1String("  ") + cells[i].rightJustified(widths[size_t(i)]);
    return line;
}

} // namespace

QString TextWatchPrinter::eventLine(const TrafficEvent &event) const {
    const QString time = QDateTime::fromMSecsSinceEpoch(event.timeUs / 1000)
                             .toString(QStringLiteral("HH:mm:ss.zzz"));
    QString text = what(event);
    if (!event.detail.isEmpty()) {
        if (!text.isEmpty())
            text += QLatin1String(" ");
        text += QStringLiteral("(%1)").arg(event.detail);
    }
    return QStringLiteral("%1 %2 %3 %4")
        .arg(time, PushLab::patternKey(event.pattern).leftJustified(5),
             TrafficEvent::kindKey(event.kind).leftJustified(9), text.trimmed());
}

QString TextWatchPrinter::what(const TrafficEvent &event) {
    switch (event.kind) {
    case TrafficEvent::Kind::RequestSent: {
        QString text = QStringLiteral("#%1 GET %2").arg(event.requestId).arg(event.url);
        if (!event.lastEventId.isEmpty())
            text += QStringLiteral(" Last-Event-ID: %1").arg(event.lastEventId);
        return text;
    }
    case TrafficEvent::Kind::ResponseReceived: {
        QString text = QStringLiteral("#%1 %2 %3 ")
                           .arg(event.requestId)
                           .arg(event.status)
                           .arg(Units::bytes(double(event.bytes)));
        if (!event.messages.isEmpty())
            text += messagesText(event);
        else if (event.status == 204)
            text += QStringLiteral("nothing within the timeout");
        else if (event.status == 200)
            text += QStringLiteral("no new messages");
        return text;
    }
    case TrafficEvent::Kind::StreamOpened:
        return QStringLiteral("#%1 %2 %3")
            .arg(event.requestId)
            .arg(event.status)
            .arg(event.pattern == PushLab::Pattern::WebSocket
                     ? QStringLiteral("WebSocket")
                     : QStringLiteral("text/event-stream"));
    case TrafficEvent::Kind::EventReceived: {
        QString text = QStringLiteral("#%1 %2 type=%3 id=%4 data=%5")
                           .arg(event.requestId)
                           .arg(Units::bytes(double(event.bytes)))
                           .arg(quoted(event.eventType))
                           .arg(quoted(event.lastEventId))
                           .arg(quoted(event.data));
        if (!event.messages.isEmpty())
            text += QStringLiteral(" latency %1")
                        .arg(Units::milliseconds(latencyMs(event, event.messages.first())));
        return text;
    }
    case TrafficEvent::Kind::ReconnectScheduled:
        return QStringLiteral("in %1").arg(Units::duration(event.delayMs * 1000));
    case TrafficEvent::Kind::Error:
        return event.status != 0 ? QStringLiteral("HTTP %1").arg(event.status) : QString();
    case TrafficEvent::Kind::Stopped:
        return {};
    case TrafficEvent::Kind::Link:
        return {}; // the detail says it all
    }
    return {};
}

QString TextWatchPrinter::messagesText(const TrafficEvent &event) {
    const auto &messages = event.messages;
    if (messages.size() == 1) {
        const DeliveredMessage &m = messages.first();
        return QStringLiteral("message %1 %2 latency %3")
            .arg(m.id)
            .arg(quoted(m.text))
            .arg(Units::milliseconds(latencyMs(event, m)));
    }
    const auto [fastest, slowest] = std::minmax_element(
        messages.cbegin(), messages.cend(), [&event](const auto &a, const auto &b) {
            return latencyMs(event, a) < latencyMs(event, b);
        });
    return QStringLiteral("%1 messages %2..%3 latency %4..%5")
        .arg(messages.size())
        .arg(messages.first().id)
        .arg(messages.last().id)
        .arg(Units::milliseconds(latencyMs(event, *fastest)))
        .arg(Units::milliseconds(latencyMs(event, *slowest)));
}

QStringList TextWatchPrinter::summaryLines(const Summary &summary) const {
    QStringList lines{QString()};
    lines.append(QStringLiteral("Summary: %1 watching %2")
                     .arg(Units::duration(summary.elapsedUs))
                     .arg(summary.streamUrlGiven ? summary.url.toString()
                                                 : summary.url.toString(QUrl::StripTrailingSlash)));
    if (!summary.link.isEmpty())
        lines.append(QStringLiteral("Link: %1").arg(summary.link));
    const std::vector<int> traffic{10, 8, 6, 8, 10, 9, 10, 6, 7, 4, 5, 4};
    lines.append(
        row({QStringLiteral("pattern"), QStringLiteral("requests"), QStringLiteral("empty"),
             QStringLiteral("messages"), QStringLiteral("bytes in"), QStringLiteral("bytes/msg"),
             QStringLiteral("reconnects"), QStringLiteral("errors"), QStringLiteral("missing"),
             QStringLiteral("dup"), QStringLiteral("order"), QStringLiteral("gaps")},
            traffic));
    for (const Lane &lane : summary.lanes) {
        const LatencySummary &s = lane.total;
        lines.append(row({PushLab::patternName(lane.pattern), QString::number(s.requests),
                          QString::number(s.emptyResponses), QString::number(s.messages),
                          Units::bytes(double(s.bytesIn)),
                          s.messages ? Units::bytes(double(s.bytesIn) / double(s.messages))
                                     : QStringLiteral("-"),
                          QString::number(s.reconnects), QString::number(s.errors),
                          QString::number(s.missing), QString::number(s.duplicates),
                          QString::number(s.outOfOrder), QString::number(s.gaps)},
                         traffic));
    }
    lines.append(QString());
    const std::vector<int> latency{10, 8, 8, 8, 8, 8, 8, 8};
    lines.append(row({QStringLiteral("latency"), QStringLiteral("count"), QStringLiteral("min"),
                      QStringLiteral("mean"), QStringLiteral("p50"), QStringLiteral("p95"),
                      QStringLiteral("p99"), QStringLiteral("max")},
                     latency));
    for (const Lane &lane : summary.lanes) {
        const LatencySummary &s = lane.total;
        const QString name = PushLab::patternName(lane.pattern);
        if (s.latencyCount == 0) {
            lines.append(row({name, QStringLiteral("0"), QStringLiteral("-"), QStringLiteral("-"),
                              QStringLiteral("-"), QStringLiteral("-"), QStringLiteral("-"),
                              QStringLiteral("-")},
                             latency));
            continue;
        }
        lines.append(row({name, QString::number(s.latencyCount), Units::milliseconds(s.minMs),
                          Units::milliseconds(s.meanMs), Units::milliseconds(s.p50Ms),
                          Units::milliseconds(s.p95Ms), Units::milliseconds(s.p99Ms),
                          Units::milliseconds(s.maxMs)},
                         latency));
    }
    if (!summary.link.isEmpty()) {
        lines.append(QString());
        const std::vector<int> link{10, 12, 12};
        lines.append(
            row({QStringLiteral("link"), QStringLiteral("drops/cuts"), QStringLiteral("stalls")},
                link));
        for (const Lane &lane : summary.lanes)
            lines.append(
                row({PushLab::patternName(lane.pattern), QString::number(lane.total.linkDrops),
                     QString::number(lane.total.linkStalls)},
                    link));
    }
    for (const Lane &lane : summary.lanes) {
        if (!lane.stopReason.isEmpty())
            lines.append(QStringLiteral("%1 stopped: %2")
                             .arg(PushLab::patternName(lane.pattern), lane.stopReason));
    }
    return lines;
}
