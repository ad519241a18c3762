#include "jsonwatchprinter.h"

#include "wirecontract.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>

namespace {

namespace Key = PushLab::Wire::Key;

QString compact(const QJsonObject &object) {
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

} // namespace

QString JsonWatchPrinter::eventLine(const TrafficEvent &event) const {
    return compact(eventObject(event));
}

QStringList JsonWatchPrinter::summaryLines(const Summary &summary) const {
    QJsonObject patterns;
    for (const Lane &lane : summary.lanes)
        patterns.insert(PushLab::patternKey(lane.pattern), summaryObject(lane.total));
    QJsonObject o{{QStringLiteral("kind"), QStringLiteral("summary")},
                  {QStringLiteral("url"), summary.url.toString()},
                  {QStringLiteral("seconds"), double(summary.elapsedUs) / 1e6},
                  {QStringLiteral("patterns"), patterns}};
    if (!summary.link.isEmpty())
        o.insert(QStringLiteral("link"), summary.link);
    return {compact(o)};
}

QJsonObject JsonWatchPrinter::eventObject(const TrafficEvent &event) {
    QJsonObject o{{QStringLiteral("time"), event.timeUs},
                  {QStringLiteral("pattern"), PushLab::patternKey(event.pattern)},
                  {QStringLiteral("kind"), TrafficEvent::kindKey(event.kind)}};
    if (event.requestId)
        o.insert(QStringLiteral("request"), qint64(event.requestId));
    if (event.status)
        o.insert(QStringLiteral("status"), event.status);
    if (event.bytes)
        o.insert(QStringLiteral("bytes"), event.bytes);
    if (!event.url.isEmpty())
        o.insert(QStringLiteral("url"), event.url);
    if (event.kind == TrafficEvent::Kind::EventReceived) {
        o.insert(QStringLiteral("type"), event.eventType);
        o.insert(QStringLiteral("data"), event.data);
    }
    if (!event.lastEventId.isEmpty() || event.kind == TrafficEvent::Kind::EventReceived)
        o.insert(QStringLiteral("lastEventId"), event.lastEventId);
    if (!event.messages.isEmpty()) {
        QJsonArray messages;
        for (const DeliveredMessage &m : event.messages) {
            messages.append(QJsonObject{
                {QLatin1String(Key::id), qint64(m.id)},
                {QLatin1String(Key::text), m.text},
                {QLatin1String(Key::publishedAt), m.publishedAtUs},
                {QStringLiteral("latencyMs"), double(event.timeUs - m.publishedAtUs) / 1000.0}});
        }
        o.insert(QLatin1String(Key::messages), messages);
    }
    if (event.hasGap()) {
        o.insert(
            QLatin1String(Key::gap),
            QJsonObject{{QLatin1String(Key::lastSeenId), qint64(event.gapLastSeenId)},
                        {QLatin1String(Key::firstAvailableId), qint64(event.gapFirstAvailableId)}});
    }
    if (event.kind == TrafficEvent::Kind::ReconnectScheduled)
        o.insert(QStringLiteral("delayMs"), event.delayMs);
    if (event.kind == TrafficEvent::Kind::Link) {
        o.insert(QStringLiteral("type"), event.eventType);
        if (event.delayMs > 0)
            o.insert(QStringLiteral("stallMs"), event.delayMs);
    }
    if (!event.detail.isEmpty())
        o.insert(QStringLiteral("detail"), event.detail);
    return o;
}

QJsonObject JsonWatchPrinter::summaryObject(const LatencySummary &s) {
    return QJsonObject{
        {QStringLiteral("requests"), s.requests},
        {QStringLiteral("emptyResponses"), s.emptyResponses},
        {QStringLiteral("messages"), s.messages},
        {QStringLiteral("bytesIn"), s.bytesIn},
        {QStringLiteral("reconnects"), s.reconnects},
        {QStringLiteral("errors"), s.errors},
        {QStringLiteral("missing"), s.missing},
        {QStringLiteral("duplicates"), s.duplicates},
        {QStringLiteral("outOfOrder"), s.outOfOrder},
        {QStringLiteral("gaps"), s.gaps},
        {QStringLiteral("linkDrops"), s.linkDrops},
        {QStringLiteral("linkStalls"), s.linkStalls},
        {QStringLiteral("latencyCount"), s.latencyCount},
        {QStringLiteral("minMs"), s.minMs},
        {QStringLiteral("meanMs"), s.meanMs},
        {QStringLiteral("p50Ms"), s.p50Ms},
        {QStringLiteral("p95Ms"), s.p95Ms},
        {QStringLiteral("p99Ms"), s.p99Ms},
        {QStringLiteral("maxMs"), s.maxMs},
    };
}
