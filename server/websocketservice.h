#pragma once

#include "connection.h"
#include "messagelog.h"
#include "responder.h"
#include "serverconfig.h"
#include "streamset.h"
#include "websocketcodec.h"
#include "wirecontract.h"

#include <QtCore/QTimer>

#include <optional>
#include <unordered_map>

// WebSocket (RFC 6455) on one event loop: GET /api/ws upgrades, each message is one text frame
// with the JSON an event stream carries as data, `?since=N` replays (after a gap notice when
// the history no longer holds it), pings keep it alive and find a vanished peer, and a
// subscriber that stops reading is dropped like an event stream's (SocketWriter's bound).
//
// The frames are PushLab's own (websocketcodec.h), not QWebSocketServer's: Qt 6.4's
// handleConnection needs the handshake still unread in the socket, but QHttpServer may have
// read part of it already, and the fan-out should write one encoding to every subscriber
// through the same SocketWriter as SSE, so that the two lanes differ by protocol, not by write
// path. Qt WebSockets is the client (client/websocketclient) and one of the tests' peers.
class WebSocketService final {
    Q_DISABLE_COPY_MOVE(WebSocketService)

public:
    WebSocketService(const ServerConfig &config, const MessageLog &log, Responder &responder,
                     QObject *context);

    // Takes a connection whose RequestFramer saw an upgrade head off HTTP: neither QHttpServer
    // nor the fast path reads it again, and the head leaves the socket (frames sent behind it
    // stay). Returns the request to dispatch; nullopt when its headers are ambiguous or it came
    // behind another request not answered yet.
    std::optional<RequestInfo> takeUpgrade(Connection &c);
    // GET /api/ws: 101 and the messages after `since`; or 426 (no upgrade, or a version other
    // than 13) or 400 (a malformed handshake), closing an upgrade's connection.
    void open(Connection &c, const RequestInfo &info);
    // The connection ended.
    void remove(Connection &c);
    // What the log holds after `since`, to every peer (one encoding, one write each).
    void pushNews(quint64 since);
    void pushGap(const MessageLog::Gap &gap);
    // Sends every peer a close frame (1001, going away) and closes: clients resume with since.
    int closeAll();
    void clear();
    int count() const { return int(m_sockets.size()); }

private:
    struct Peer {
        Connection *connection = nullptr; // stays put in its ConnectionTable while here
        WebSocketCodec::Reader reader{PushLab::Wire::webSocketMaxClientMessageBytes};
        bool closing = false;
    };
    void onReadable(QTcpSocket *socket);
    // A close frame, then the end of the connection (on the next turn, after the frame).
    void closePeer(Peer &peer, const QByteArray &closeFrame);
    void push(const QByteArray &bytes, int delivered);
    void beat();

    const ServerConfig &m_config;
    const MessageLog &m_log;
    Responder &m_responder;
    QObject *m_context = nullptr;
    StreamSet m_sockets;
    std::unordered_map<QTcpSocket *, Peer> m_peers;
    QTimer m_heartbeatTimer;
};
