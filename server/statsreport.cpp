#include "statsreport.h"

#include "connectiontable.h"

#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QLoggingCategory>

Q_LOGGING_CATEGORY(lcStats, "pushlab.server.stats", QtWarningMsg)

using PushLab::Pattern;

StatsReport::Loop StatsReport::of(const ConnectionTable &connections,
                                  const TrafficCounters &counters, qint64 waiting,
                                  qint64 streaming) {
    Loop r;
    r.counters = counters;
    r.open[Pattern::LongPoll] = waiting;
    r.open[Pattern::ServerSentEvents] = streaming;
    r.connections = qint64(connections.size());
    const qint64 now = PushLab::monotonicMs();
    connections.forEach([&](const Connection &c) {
        // A peer is a connection streaming or waiting now, or one that polled recently (a
        // poller sits idle between requests; a browser's pooled connection that did something
        // else since counts no longer).
        if (!c.pattern ||
            (c.state == Connection::State::Idle && now - c.lastPatternRequestMs > recentPollMs))
            return;
        // Waits and streams were counted above; polls and WebSockets are counted here.
        if (*c.pattern == Pattern::ShortPoll || c.state == Connection::State::WebSocket)
            r.open[*c.pattern]++;
        ++r.peersTotal;
        if (r.peers.size() < maxListedPeers) {
            r.peers.append(
                QJsonObject{{QStringLiteral("address"), c.peerAddress.toString()},
                            {QStringLiteral("port"), int(c.peerPort)},
                            {QStringLiteral("pattern"), PushLab::patternKey(*c.pattern)},
                            {QStringLiteral("since"), c.patternSinceUs},
                            {QStringLiteral("userAgent"), QString::fromUtf8(c.userAgent)}});
        }
    });
    return r;
}

QByteArray StatsReport::json(const std::vector<Loop> &loops, const Server &server) {
    TrafficCounters counters;
    PushLab::PatternMap<qint64> open;
    qint64 connections = 0;
    qint64 peersTotal = 0;
    QJsonArray peers;
    QJsonArray perLoop;
    for (const Loop &r : loops) {
        for (Pattern p : PushLab::allPatterns) {
            counters[p].add(r.counters[p]);
            open[p] += r.open[p];
        }
        connections += r.connections;
        peersTotal += r.peersTotal;
        perLoop.append(r.connections);
        for (const QJsonValue &peer : r.peers) {
            if (peers.size() < maxListedPeers)
                peers.append(peer);
        }
    }
    QJsonObject patterns;
    counters.forEach([&](Pattern p, const PatternCounters &k) {
        patterns.insert(PushLab::patternKey(p),
                        QJsonObject{{QStringLiteral("requests"), k.requests},
                                    {QStringLiteral("open"), open[p]},
                                    {QStringLiteral("delivered"), k.delivered},
                                    {QStringLiteral("bytesOut"), k.bytesOut}});
    });
    const QJsonObject stats{{QStringLiteral("messagesPublished"), server.messagesPublished},
                            {QStringLiteral("lastId"), qint64(server.lastId)},
                            {QStringLiteral("historySize"), server.historySize},
                            {QStringLiteral("startedAt"), server.startedAtUs},
                            {QStringLiteral("connections"), connections},
                            {QStringLiteral("maxConnections"), server.maxConnections},
                            {QStringLiteral("threads"), qint64(loops.size())},
                            {QStringLiteral("fanOutThreads"), server.fanOutThreads},
                            {QStringLiteral("ioUring"), server.ioUring},
                            {QStringLiteral("connectionsPerThread"), perLoop},
                            {QStringLiteral("patterns"), patterns},
                            {QStringLiteral("peers"), peers},
                            {QStringLiteral("peersTotal"), peersTotal}};
    return QJsonDocument(stats).toJson(QJsonDocument::Compact);
}

HttpResponse StatsReport::answer(const std::vector<Loop> &loops, const Server &server) {
    // Same-origin only (no Access-Control-Allow-Origin): it lists peers' addresses and user
    // agents, which a page of another site has no business reading.
    return HttpResponse::json(200, json(loops, server)).header("Cache-Control", "no-store");
}

HttpResponse StatsReport::closedAnswer(const std::vector<Loop> &loops) {
    int closed = 0;
    for (const Loop &r : loops)
        closed += r.closedStreams;
    qCInfo(lcStats, "closed %d streams on request", closed);
    return HttpResponse::json(200, "{\"closed\":" + QByteArray::number(closed) + '}');
}
