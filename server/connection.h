#pragma once

#include "clock.h"
#include "pattern.h"
#include "requestframer.h"
#include "requestinfo.h"

#include <QtNetwork/QHostAddress>

#include <map>
#include <optional>
#include <vector>

class QTcpSocket;

// One client connection as one event loop of the server sees it. Lives in a ConnectionTable
// (a node container: a Connection stays put until it is erased, so the waiter and stream
// sets may point at it).
struct Connection {
    // Gathering: waiting for the other loops' reports (or Redis's acknowledgement of a publish)
    // before answering. WebSocket: upgraded
    // (RFC 6455); the socket carries frames, never HTTP again.
    enum class State { Idle, Waiting, Streaming, Gathering, WebSocket };
    enum class Flavour { Api, Seed }; // our JSON routes, or the seed demo's plain-text ones
    using Deadlines = std::multimap<qint64, QTcpSocket *>; // monotonic ms → parked poll

    QTcpSocket *socket = nullptr;
    qintptr fd = -1;
    quint64 serial = 0;       // tells a connection from a later one at the same address
    QHostAddress peerAddress; // formatted only when shown (stats, logs)
    quint16 peerPort = 0;
    QByteArray userAgent;
    qint64 lastActivityMs = 0;
    qint64 requestStartedMs = 0; // first byte of the request being received; 0 = none
    qint64 requestBytes = 0;
    State state = State::Idle;
    Flavour flavour = Flavour::Api;
    std::optional<PushLab::Pattern> pattern;
    qint64 patternSinceUs = 0;
    qint64 lastPatternRequestMs = 0; // last poll or stream request on this connection
    bool closeAfterResponse = false;
    bool rejected = false;
    bool closing = false; // answered with Connection: close; ends on the next loop turn
    // QHttpServer serves this connection too. Connections whose requests all take the fast
    // path never need it; the others are handed over at their first request the fast path
    // leaves (PushServer::serveWithHttpServer).
    bool withHttpServer = false;
    qint64 countedUnread = 0; // bytes counted in requestBytes still unread in the socket
    // Sees every byte before QHttpServer does: a request with broken framing is refused and
    // the connection closed before anything parses what follows it.
    RequestFramer framer;
    // Long poll / seed /getmessage waiting (WaiterSet):
    quint64 waitSince = 0;
    Deadlines::iterator deadline;
    std::size_t waitIndex = 0; // into the WaiterSet's list while state == Waiting
    // Seed /getmessage hands out one message per request, remembered per connection.
    bool seedCursorSet = false;
    quint64 seedCursor = 0;
    // Pipelined behind a waiting poll, answered in order (at most maxQueuedRequests). A
    // vector, not a deque: an empty std::deque allocates about 600 bytes, per connection.
    std::vector<RequestInfo> queued;
    std::size_t streamIndex = 0; // into its StreamSet while state == Streaming or WebSocket

    static constexpr int maxQueuedRequests = 8;

    // A poll or stream request arrived: the connection now counts as a client of `p`.
    void usedFor(PushLab::Pattern p) {
        lastPatternRequestMs = PushLab::monotonicMs();
        if (!pattern || *pattern != p) {
            pattern = p;
            patternSinceUs = PushLab::wallClockUs();
        }
    }
};
