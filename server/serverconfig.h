#pragma once

#include <QtNetwork/QHostAddress>

// Everything the push server can be told at start. Defaults are what `pushlab-cli serve`
// and the window use.
struct ServerConfig {
    QHostAddress bindAddress{QHostAddress::LocalHost};
    quint16 port = 8050;                 // 0 picks a free port
    int historySize = 1000;              // messages kept for since= / Last-Event-ID replay
    double tickerSeconds = 0;            // > 0: publish "Message N" every so many seconds
    int heartbeatMs = 15000;             // SSE comment heartbeat
    int sseRetryMs = 2000;               // SSE `retry:` sent first on every stream
    int maxConnections = 20000;          // beyond: 503 (capped by the open-file limit)
    qint64 maxUnsentBytes = 1 << 20;     // a subscriber that stops reading is dropped past this
    qint64 maxRequestBytes = 512 * 1024; // request line + headers + body
    int maxHeaderBytes = 16 * 1024;
    int requestTimeoutMs = 10000;   // a request not complete by then gets 408
    int keepAliveTimeoutMs = 75000; // an idle keep-alive connection is closed after this
    int seedWaitSeconds = 30;       // GET /getmessage
    int listenBacklog = 4096;
    // Event loops (threads) serving connections under ServerHost: one listens and hands each
    // new connection to the least busy loop; all share one message history. A PushServer on
    // its own is always one loop.
    int threads = 1;
    // Threads that send one SSE fan-out together (the loop's own and helpers), for fan-outs to
    // many streams. 1: the loop alone.
    int fanOutThreads = 1;
};
