#include "websocketservice.h"

#include "epolleventdispatcher.h"
#include "pollencoder.h"
#include "socketwriter.h"
#include "wirecontract.h"

#include <QtCore/QLoggingCategory>
#include <QtNetwork/QTcpSocket>

Q_LOGGING_CATEGORY(lcWs, "pushlab.server.ws", QtWarningMsg)

using PushLab::Pattern;
namespace Codec = WebSocketCodec;

namespace {

// A gap notice: {"gap": {...}}, the object a poll's answer and an event stream carry.
QByteArray gapFrame(const MessageLog::Gap &gap) {
    const QByteArray json =
        QByteArray("{\"") + PushLab::Wire::Key::gap + "\":" + PollEncoder::gapJson(gap) + '}';
    return Codec::text(json);
}

} // namespace

WebSocketService::WebSocketService(const ServerConfig &config, const MessageLog &log,
                                   Responder &responder, QObject *context)
    : m_config(config)
    , m_log(log)
    , m_responder(responder)
    , m_context(context) {
    // As StreamService's heartbeat: a child of the loop's context, running only while needed.
    m_heartbeatTimer.setParent(context);
    m_heartbeatTimer.setInterval(qMax(PushLab::Wire::heartbeatMinMs, config.heartbeatMs));
    QObject::connect(&m_heartbeatTimer, &QTimer::timeout, context, [this] { beat(); });
}

std::optional<RequestInfo> WebSocketService::takeUpgrade(Connection &c) {
    // Behind a request not answered yet (pipelined, or a parked poll) it would jump the queue.
    const bool alone =
        !c.framer.requestsPending() && c.state == Connection::State::Idle && c.queued.empty();
    QTcpSocket *socket = c.socket;
    m_responder.stopReadingRequests(socket);
    if (EpollEventDispatcher *dispatcher = EpollEventDispatcher::current())
        dispatcher->unhookReads(int(c.fd), socket);
    // What is unread ends with the bytes that came after the head; QHttpServer may have read
    // the head's beginning already (RequestFramer kept all of it).
    socket->skip(socket->bytesAvailable() - c.framer.bytesAfterUpgradeHead());
    c.requestBytes = 0;
    c.requestStartedMs = 0;
    c.lastActivityMs = PushLab::monotonicMs();
    c.closeAfterResponse = true; // unless it becomes a WebSocket: frames may follow the head
    return alone ? RequestInfo::fromUpgradeHead(c.framer.upgradeHead()) : std::nullopt;
}

void WebSocketService::open(Connection &c, const RequestInfo &info) {
    PatternCounters &counters = m_responder.counters()[Pattern::WebSocket];
    const auto refuse = [&](int status, const QString &message) {
        HttpResponse r = HttpResponse::error(status, message);
        if (status == 426)
            r.header("Upgrade", "websocket").header("Sec-WebSocket-Version", "13");
        m_responder.send(c, std::move(r), Pattern::WebSocket);
    };
    if (!c.framer.upgraded()) // a plain GET, through QHttpServer or the fast path
        return refuse(426,
                      QStringLiteral("%1 is a WebSocket (RFC 6455): ask with Upgrade: websocket.")
                          .arg(QLatin1StringView(PushLab::Wire::webSocketPath)));
    if (info.http10)
        return refuse(400, QStringLiteral("A WebSocket upgrade needs HTTP/1.1."));
    if (!Codec::hasToken(info.upgrade, "websocket"))
        return refuse(400, QStringLiteral("Upgrade must name websocket; nothing else is offered."));
    if (!Codec::hasToken(info.connection, "upgrade"))
        return refuse(400, QStringLiteral("Connection must include Upgrade."));
    if (info.secWebSocketVersion != "13")
        return refuse(426, QStringLiteral("Only WebSocket version 13 (RFC 6455) is supported."));
    if (!Codec::isValidKey(info.secWebSocketKey))
        return refuse(400, QStringLiteral("Sec-WebSocket-Key must be 16 bytes in base64."));
    std::optional<quint64> since;
    if (info.query.has(QLatin1StringView("since"))) {
        since = info.query.unsignedValue(QLatin1StringView("since"));
        if (!since)
            return refuse(400,
                          QStringLiteral("since must be a message id (a non-negative integer)."));
    }

    QTcpSocket *socket = c.socket;
    c.closeAfterResponse = false;
    c.usedFor(Pattern::WebSocket);
    c.state = Connection::State::WebSocket;
    counters.requests++;
    m_sockets.add(c);
    Peer &peer = m_peers[socket];
    peer.connection = &c; // its lastActivityMs is when the peer was last heard from
    if (!m_heartbeatTimer.isActive())
        m_heartbeatTimer.start();

    QByteArray out = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                     "Connection: Upgrade\r\nSec-WebSocket-Accept: " +
                     Codec::acceptKey(info.secWebSocketKey) + "\r\n" +
                     PushLab::Wire::heartbeatHeader + ": " +
                     QByteArray::number(m_heartbeatTimer.interval()) + "\r\n\r\n";
    int replayed = 0;
    if (since) {
        const auto gap = m_log.gapAfter(*since);
        if (gap)
            out += gapFrame(*gap);
        m_log.forEachAfter(gap ? gap->firstAvailableId - 1 : *since, [&](const Message &m) {
            out += Codec::text(m.json);
            ++replayed;
        });
    }
    counters.bytesOut += out.size();
    counters.delivered += replayed;
    m_responder.writer().write(socket, c.fd, out);
    QObject::connect(socket, &QTcpSocket::readyRead, m_context,
                     [this, socket] { onReadable(socket); });
    // Frames that came with the head are unread already.
    if (socket->bytesAvailable() > 0)
        Responder::rereadLater(socket);
}

void WebSocketService::onReadable(QTcpSocket *socket) {
    const QByteArray bytes = socket->readAll(); // at most the socket's read buffer
    const auto it = m_peers.find(socket);
    if (it == m_peers.end() || it->second.closing)
        return; // closing: what a peer sends after a close is discarded
    Peer &peer = it->second;
    peer.connection->lastActivityMs = PushLab::monotonicMs();
    std::vector<Codec::Reader::Event> events;
    peer.reader.feed(bytes, events);
    PatternCounters &counters = m_responder.counters()[Pattern::WebSocket];
    for (const Codec::Reader::Event &e : events) {
        switch (e.kind) {
        case Codec::Reader::Event::Kind::Ping: {
            const QByteArray pong = Codec::frame(Codec::Pong, e.payload);
            counters.bytesOut += pong.size();
            m_responder.writer().write(socket, peer.connection->fd, pong);
            break;
        }
        case Codec::Reader::Event::Kind::Pong:
        case Codec::Reader::Event::Kind::Message: // a client has nothing to say to this server
            break;
        case Codec::Reader::Event::Kind::Close: // echo its code (§5.5.1), then end
            closePeer(peer, e.code == Codec::CloseCode::noStatus ? Codec::frame(Codec::Close, {})
                                                                 : Codec::close(e.code));
            return;
        case Codec::Reader::Event::Kind::Error:
            qCInfo(lcWs, "closing %s:%d with %d: %s",
                   qPrintable(peer.connection->peerAddress.toString()),
                   int(peer.connection->peerPort), int(e.code), qPrintable(e.message));
            closePeer(peer, Codec::close(e.code, e.message));
            return;
        }
    }
}

void WebSocketService::closePeer(Peer &peer, const QByteArray &closeFrame) {
    peer.closing = true;
    Connection &c = *peer.connection;
    m_sockets.remove(c); // no news after a close frame
    m_responder.counters()[Pattern::WebSocket].bytesOut += closeFrame.size();
    m_responder.writer().write(c.socket, c.fd, closeFrame);
    m_responder.closeLater(c);
}

void WebSocketService::remove(Connection &c) {
    m_sockets.remove(c);
    m_peers.erase(c.socket);
    if (m_peers.empty())
        m_heartbeatTimer.stop();
}

void WebSocketService::pushNews(quint64 since) {
    if (m_sockets.empty())
        return;
    QByteArray bytes;
    int count = 0;
    m_log.forEachAfter(since, [&](const Message &m) {
        bytes += Codec::text(m.json);
        ++count;
    });
    push(bytes, count);
}

void WebSocketService::pushGap(const MessageLog::Gap &gap) {
    push(gapFrame(gap), 0);
}

void WebSocketService::push(const QByteArray &bytes, int delivered) {
    // No seed flavour here: every peer gets the same frames.
    m_responder.fanOut(m_sockets, Pattern::WebSocket, bytes, bytes, delivered, lcWs, "WebSocket");
}

void WebSocketService::beat() {
    // A peer that answered nothing (not even a pong) for this long is gone without a word.
    const qint64 now = PushLab::monotonicMs();
    const qint64 deadAfterMs =
        qint64(m_heartbeatTimer.interval()) * PushLab::Wire::missedHeartbeatsBeforeDead;
    std::vector<QTcpSocket *> silent;
    for (const auto &[socket, peer] : m_peers) {
        if (now - peer.connection->lastActivityMs > deadAfterMs)
            silent.push_back(socket);
    }
    for (QTcpSocket *socket : silent)
        socket->abort();
    static const QByteArray ping = Codec::ping();
    push(ping, 0);
}

int WebSocketService::closeAll() {
    int closed = 0;
    for (auto &[socket, peer] : m_peers) {
        if (peer.closing)
            continue;
        closePeer(peer, Codec::close(Codec::CloseCode::goingAway,
                                     QStringLiteral("The server closed the stream: resume with "
                                                    "?since=<the last id you received>.")));
        ++closed;
    }
    return closed;
}

void WebSocketService::clear() {
    m_heartbeatTimer.stop();
    m_sockets.clear();
    m_peers.clear();
}
