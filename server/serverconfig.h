#pragma once

#include "wirecontract.h"

#include <QtCore/QStringList>
#include <QtNetwork/QHostAddress>

// Everything the push server can be told at start. These are the library's defaults; the
// executables start from them and change what their options say (app/common/serveroptions:
// `pushlab` and `pushlab-cli serve` also use one fan-out helper per core by default).
struct ServerConfig {
    QHostAddress bindAddress{QHostAddress::LocalHost};
    quint16 port = 8050;      // 0 picks a free port
    int historySize = 1000;   // messages kept for since= / Last-Event-ID replay
    double tickerSeconds = 0; // > 0: publish "Message N" every so many seconds
    int heartbeatMs = PushLab::Wire::heartbeatDefaultMs; // SSE comment heartbeat
    int sseRetryMs = PushLab::Wire::retryDefaultMs;      // SSE `retry:` sent first on every stream
    int maxConnections = 20000;          // beyond: 503 (capped by the open-file limit)
    qint64 maxUnsentBytes = 1 << 20;     // a subscriber that stops reading is dropped past this
    qint64 maxRequestBytes = 512 * 1024; // request line + headers + body
    int maxHeaderBytes = 16 * 1024;
    int requestTimeoutMs = 10000;   // a request not complete by then gets 408
    int keepAliveTimeoutMs = 75000; // an idle keep-alive connection is closed after this
    int seedWaitSeconds = PushLab::Wire::seedWaitDefaultS; // GET /getmessage
    int listenBacklog = 4096;
    // Event loops (threads) serving connections under ServerHost: one listens and hands each
    // new connection to the least busy loop; all share one message history. A PushServer on
    // its own is always one loop.
    int threads = 1;
    // Threads that send one SSE fan-out together (the loop's own and helpers), for fan-outs to
    // many streams. 1: the loop alone.
    int fanOutThreads = 1;
    // Each loop waits on epoll (EpollEventDispatcher, with the fast path); false keeps Qt's.
    bool epollDispatcher = true;
    // Host names a request may name besides IP addresses and localhost (--allow-host); a
    // leading dot allows every subdomain. Anything else is refused: DNS rebinding.
    QStringList allowedHosts;
    // redis://host:port/db: the history is a Redis Stream shared with every server given the
    // same URL (RedisHistory; under ServerHost). Empty: the history is in-process.
    QString redisUrl;
};
