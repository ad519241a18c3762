#pragma once

#include "httpresponse.h"
#include "trafficcounters.h"

#include <QtCore/QByteArray>
#include <QtCore/QJsonArray>

#include <vector>

class ConnectionTable;

// GET /api/stats: each event loop reports what it has, and the answer adds the reports up.
class StatsReport final {
public:
    static constexpr int maxListedPeers = 200;
    // An idle poller still counts as connected this long after its last poll.
    static constexpr qint64 recentPollMs = 10000;

    // What one loop reports when asked.
    struct Loop {
        TrafficCounters counters;
        PushLab::PatternMap<qint64> open; // polled recently, waiting, streaming
        qint64 connections = 0;
        qint64 peersTotal = 0;
        QJsonArray peers; // at most maxListedPeers
        int closedStreams = 0;
    };
    // What the whole server says of itself beside the loops' figures.
    struct Server {
        qint64 messagesPublished = 0;
        quint64 lastId = 0;
        int historySize = 0;
        qint64 startedAtUs = 0;
        int maxConnections = 0;
        int fanOutThreads = 1;
        bool ioUring = false;
    };

    // A loop's report; `waiting` and `streaming` are its parked polls and open streams.
    static Loop of(const ConnectionTable &connections, const TrafficCounters &counters,
                   qint64 waiting, qint64 streaming);
    // The answer's JSON (compact).
    static QByteArray json(const std::vector<Loop> &loops, const Server &server);
    // GET /api/stats: json(), uncached, readable from any origin.
    static HttpResponse answer(const std::vector<Loop> &loops, const Server &server);
    // POST /api/streams/close: {"closed": N}, the streams the loops closed.
    static HttpResponse closedAnswer(const std::vector<Loop> &loops);
};
