#include "serverstats.h"

#include "wirecontract.h"
#include "wireformat.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>

namespace {

qint64 integer(const QJsonObject &object, const char *key) {
    return object.value(QLatin1String(key)).toInteger();
}

} // namespace

std::optional<ServerStats> ServerStats::fromJson(const QByteArray &json) {
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return std::nullopt;
    const QJsonObject root = document.object();
    const QJsonValue patterns = root.value(QLatin1String("patterns"));
    const auto lastId =
        PushLab::Wire::unsignedFromJson(root.value(QLatin1String(PushLab::Wire::Key::lastId)));
    if (!root.value(QLatin1String("messagesPublished")).isDouble() || !lastId ||
        !patterns.isObject())
        return std::nullopt;

    ServerStats stats;
    stats.messagesPublished = integer(root, "messagesPublished");
    stats.connections = integer(root, "connections");
    const QJsonArray perThread = root.value(QLatin1String("connectionsPerThread")).toArray();
    for (const QJsonValue &count : perThread)
        stats.connectionsPerThread.append(count.toInteger());
    stats.lastId = *lastId;
    stats.startedAtUs = integer(root, "startedAt");
    const QJsonObject perPattern = patterns.toObject();
    for (PushLab::Pattern p : PushLab::allPatterns) {
        const QJsonObject counters = perPattern.value(PushLab::patternKey(p)).toObject();
        PatternCounters &out = stats.patterns[p];
        out.requests = integer(counters, "requests");
        out.open = integer(counters, "open");
        out.delivered = integer(counters, "delivered");
        out.bytesOut = integer(counters, "bytesOut");
    }
    const QJsonArray peers = root.value(QLatin1String("peers")).toArray();
    stats.peers.reserve(peers.size());
    for (const QJsonValue &value : peers) {
        const QJsonObject object = value.toObject();
        Peer peer;
        peer.address = object.value(QLatin1String("address")).toString();
        peer.port = object.value(QLatin1String("port")).toInt();
        const auto pattern =
            PushLab::patternFromKey(object.value(QLatin1String("pattern")).toString());
        if (!pattern)
            continue; // a pattern this client does not know: skip the peer, keep the rest
        peer.pattern = *pattern;
        peer.sinceUs = integer(object, "since");
        peer.userAgent = object.value(QLatin1String("userAgent")).toString();
        stats.peers.append(std::move(peer));
    }
    stats.peersTotal = root.contains(QLatin1String("peersTotal")) ? integer(root, "peersTotal")
                                                                  : stats.peers.size();
    return stats;
}
