#include "streamservice.h"

#include "socketwriter.h"
#include "sseencoder.h"
#include "wirecontract.h"

#include <QtCore/QLoggingCategory>
#include <QtNetwork/QTcpSocket>

Q_LOGGING_CATEGORY(lcSse, "pushlab.server.sse", QtWarningMsg)

using PushLab::Pattern;
using Flavour = Connection::Flavour;

StreamService::StreamService(const ServerConfig &config, const MessageLog &log,
                             Responder &responder, QObject *context)
    : m_config(config)
    , m_log(log)
    , m_responder(responder)
    , m_context(context) {
    // A child of the loop's context, so it moves to the loop's thread with it. Runs only while
    // there is a stream to beat for: an idle server wakes up for nothing.
    m_heartbeatTimer.setParent(context);
    m_heartbeatTimer.setInterval(qMax(PushLab::Wire::heartbeatMinMs, config.heartbeatMs));
    QObject::connect(&m_heartbeatTimer, &QTimer::timeout, context,
                     [this] { push(SseEncoder::heartbeat(), SseEncoder::heartbeat(), 0); });
}

void StreamService::open(Connection &c, const RequestInfo &info, Flavour flavour) {
    c.usedFor(Pattern::ServerSentEvents);
    PatternCounters &counters = m_responder.counters()[Pattern::ServerSentEvents];
    counters.requests++;

    QString lastEventIdText = QString::fromUtf8(info.lastEventId).trimmed();
    for (const QLatin1StringView key :
         {QLatin1StringView("lastEventId"), QLatin1StringView("last_event_id")}) {
        if (lastEventIdText.isEmpty() && info.query.has(key))
            lastEventIdText = info.query.value(key);
    }
    std::optional<quint64> lastEventId;
    if (!lastEventIdText.isEmpty()) {
        lastEventId = QueryItems::parseUnsigned(lastEventIdText);
        if (!lastEventId) {
            m_responder.send(
                c, HttpResponse::error(
                       400, QStringLiteral(
                                "Last-Event-ID must be a message id (a non-negative integer).")));
            return;
        }
    }

    QTcpSocket *socket = c.socket;
    c.state = Connection::State::Streaming;
    c.flavour = flavour;
    m_streams.add(c);
    if (!m_heartbeatTimer.isActive())
        m_heartbeatTimer.start();
    // From now on the socket carries only the stream: a second request must never be parsed
    // and answered into it (QHttpServer would), but reading goes on so a vanished peer is
    // noticed at once; whatever it sends is discarded.
    m_responder.stopReadingRequests(socket);
    QObject::connect(socket, &QTcpSocket::readyRead, m_context,
                     [socket] { socket->skip(socket->bytesAvailable()); });

    QByteArray out = SseEncoder::head(
        {c.closeAfterResponse, m_config.sseRetryMs, int(m_heartbeatTimer.interval())});
    int replayed = 0;
    if (lastEventId) {
        const auto gap = m_log.gapAfter(*lastEventId);
        if (gap) {
            out += SseEncoder::gapEvent(*gap);
            qCInfo(lcSse, "stream resumes after %llu, but %llu is the oldest message kept",
                   static_cast<unsigned long long>(gap->lastSeenId),
                   static_cast<unsigned long long>(gap->firstAvailableId));
        }
        m_log.forEachAfter(gap ? gap->firstAvailableId - 1 : *lastEventId, [&](const Message &m) {
            out += flavour == Flavour::Seed ? m.seedSseEvent : m.sseEvent;
            ++replayed;
        });
    }
    counters.bytesOut += out.size();
    counters.delivered += replayed;
    m_responder.writer().write(socket, c.fd, out);
}

void StreamService::remove(Connection &c) {
    qCDebug(lcSse) << "stream closed by" << c.peerAddress << c.peerPort;
    m_streams.remove(c);
    if (m_streams.empty())
        m_heartbeatTimer.stop();
}

void StreamService::pushNews(quint64 since) {
    if (m_streams.empty())
        return;
    // Usually one message, whose encoded bytes are shared as they are; after a burst, one
    // write per stream carries all of it.
    QByteArray apiBytes;
    QByteArray seedBytes;
    int count = 0;
    m_log.forEachAfter(since, [&](const Message &m) {
        apiBytes += m.sseEvent;
        seedBytes += m.seedSseEvent;
        ++count;
    });
    push(apiBytes, seedBytes, count);
}

void StreamService::pushGap(const MessageLog::Gap &gap) {
    push(SseEncoder::gapEvent(gap), QByteArray(), 0);
}

void StreamService::push(const QByteArray &apiBytes, const QByteArray &seedBytes, int delivered) {
    m_responder.fanOut(m_streams, Pattern::ServerSentEvents, apiBytes, seedBytes, delivered, lcSse,
                       "subscriber");
}

int StreamService::closeAll() {
    std::vector<QTcpSocket *> sockets;
    sockets.reserve(m_streams.size());
    for (const StreamSet::Stream &stream : m_streams)
        sockets.push_back(stream.socket);
    for (QTcpSocket *socket : sockets)
        socket->disconnectFromHost(); // after what is queued has been written
    return int(sockets.size());
}

void StreamService::clear() {
    m_heartbeatTimer.stop();
    m_streams.clear();
}
