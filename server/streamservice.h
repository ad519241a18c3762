#pragma once

#include "connection.h"
#include "messagelog.h"
#include "responder.h"
#include "serverconfig.h"
#include "streamset.h"

#include <QtCore/QTimer>

// Server-Sent Events on one event loop: GET /api/events (JSON data) and the seed's /events
// (plain text), replay from Last-Event-ID out of the history, one fan-out write per stream for
// news, comment heartbeats while any stream is open, and dropping a subscriber that stops
// reading. From its first byte a stream's socket carries nothing else.
class StreamService final {
    Q_DISABLE_COPY_MOVE(StreamService)

public:
    StreamService(const ServerConfig &config, const MessageLog &log, Responder &responder,
                  QObject *context);

    void open(Connection &c, const RequestInfo &info, Connection::Flavour flavour);
    // The stream's connection ended.
    void remove(Connection &c);
    // What the log holds after `since`, to every stream (one write each).
    void pushNews(quint64 since);
    // Messages this loop will never replay (another loop's burst outran the history).
    void pushGap(const MessageLog::Gap &gap);
    // Closes every stream gracefully (after what is queued), so clients reconnect with
    // Last-Event-ID. Returns how many.
    int closeAll();
    void clear();
    int count() const { return int(m_streams.size()); }

private:
    // `seedBytes` empty: the seed's streams get nothing.
    void push(const QByteArray &apiBytes, const QByteArray &seedBytes, int delivered);

    const ServerConfig &m_config;
    const MessageLog &m_log;
    Responder &m_responder;
    QObject *m_context = nullptr;
    StreamSet m_streams;
    QTimer m_heartbeatTimer;
};
