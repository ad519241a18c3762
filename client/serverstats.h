#pragma once

#include "pattern.h"

#include <QtCore/QByteArray>
#include <QtCore/QList>
#include <QtCore/QMetaType>
#include <QtCore/QString>

#include <optional>

// The body of GET /api/stats.
struct ServerStats {
    struct PatternCounters {
        qint64 requests = 0;
        qint64 open = 0;
        qint64 delivered = 0;
        qint64 bytesOut = 0;
    };
    struct Peer {
        QString address;
        int port = 0;
        PushLab::Pattern pattern = PushLab::Pattern::ShortPoll;
        qint64 sinceUs = 0;
        QString userAgent;
    };

    qint64 messagesPublished = 0;
    qint64 connections = 0;
    // The server's threads and the connections each holds (older servers: empty).
    QList<qint64> connectionsPerThread;
    quint64 lastId = 0;
    qint64 startedAtUs = 0;
    PushLab::PatternMap<PatternCounters> patterns;
    QList<Peer> peers;
    qint64 peersTotal = 0;

    // nullopt when the body is not a PushLab stats object.
    static std::optional<ServerStats> fromJson(const QByteArray &json);
};

Q_DECLARE_METATYPE(ServerStats)
