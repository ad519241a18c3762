#pragma once

#include "messagelog.h"

#include <QtCore/QByteArray>

// The event stream's bytes that are not a message (a Message carries its own encodings):
// the response head, gap notices and heartbeats. No sockets: tested on their own.
class SseEncoder final {
public:
    struct Head {
        bool closeAfter = false; // HTTP/1.0 or Connection: close: say so
        int retryMs = 0;         // the `retry:` field sent first
        int heartbeatMs = 0;     // announced in the X-Heartbeat-Interval header
    };
    // The status line and headers, then the `retry:` field.
    static QByteArray head(const Head &head);
    // event: gap, with the gap's JSON as data.
    static QByteArray gapEvent(const MessageLog::Gap &gap);
    // A comment line: keeps proxies and clients from taking a quiet stream for a dead one.
    static const QByteArray &heartbeat();
};
