#pragma once

#include "pattern.h"

#include <QtCore/QtGlobal>

// What one event loop has done for each pattern (GET /api/stats adds up the loops').
struct PatternCounters {
    qint64 requests = 0;
    qint64 delivered = 0; // messages handed to clients
    qint64 bytesOut = 0;

    void add(const PatternCounters &other) {
        requests += other.requests;
        delivered += other.delivered;
        bytesOut += other.bytesOut;
    }
};

using TrafficCounters = PushLab::PatternMap<PatternCounters>;
