#pragma once

#include <QtCore/QtGlobal>

// What one pattern's client saw, over a run or a recent window. All 0 when there is no data.
struct LatencySummary {
    qint64 requests = 0;       // requests sent (SSE: connection attempts)
    qint64 emptyResponses = 0; // poll answers that carried no message (incl. 204)
    qint64 messages = 0;       // messages delivered (duplicates included)
    qint64 bytesIn = 0;        // bytes received: status lines, headers, bodies
    qint64 reconnects = 0;     // reconnects / retries scheduled
    qint64 errors = 0;         // transport or protocol errors
    qint64 missing = 0;        // ids never delivered (skipped, or reported gone by a gap)
    qint64 duplicates = 0;     // ids delivered more than once
    qint64 outOfOrder = 0;     // ids delivered after a higher id
    qint64 gaps = 0;           // gap reports from the server (history lost, or a new server run)
    qint64 linkDrops = 0;      // the network lab's link ended a connection (drop, idle cut)
    qint64 linkStalls = 0;     // ... or stalled one for a lost segment

    qint64 latencyCount = 0;
    double minMs = 0;
    double meanMs = 0;
    double p50Ms = 0;
    double p95Ms = 0;
    double p99Ms = 0;
    double maxMs = 0;
};
