#pragma once

#include "pattern.h"

#include <QtCore/QList>
#include <QtCore/QMetaType>
#include <QtCore/QString>

// One message as a client received it.
struct DeliveredMessage {
    quint64 id = 0;
    QString text;
    qint64 publishedAtUs = 0; // server clock, µs since the Unix epoch
};

// Everything a pattern client does or sees, stamped with the client's clock. The window,
// the command line and the tests all consume this one stream.
struct TrafficEvent {
    enum class Kind {
        RequestSent,        // a poll request (or the stream's GET) left the client
        ResponseReceived,   // a poll answer arrived: status, bytes, messages
        StreamOpened,       // SSE: 200 text/event-stream, headers read
        EventReceived,      // SSE: one dispatched event (type, data, lastEventId; messages if JSON)
        ReconnectScheduled, // SSE or long poll: will retry after delayMs
        Error,              // transport or protocol error; detail says what
        Stopped,            // the client stopped (by request, or for good: detail says why)
        Link, // the network lab's link did something to this lane: eventType is a
              // LinkEventType (drop, stall, proxy-hold, ...), detail says it in words, delayMs
              // is a stall's length
    };

    Kind kind = Kind::RequestSent;
    PushLab::Pattern pattern = PushLab::Pattern::ShortPoll;
    qint64 timeUs = 0;     // client clock, µs since the Unix epoch
    quint64 requestId = 0; // ties RequestSent to its ResponseReceived / stream events
    int status = 0;        // HTTP status where there is one
    qint64 bytes = 0;      // bytes on the wire for this step: status line + headers + body
    QList<DeliveredMessage> messages;
    QString eventType;   // SSE event type as received ("message", "gap", ...)
    QString data;        // SSE data as received
    QString lastEventId; // SSE last event id after this event
    QString detail;      // error text, stop reason, gap description
    qint64 delayMs = 0;  // ReconnectScheduled: delay before the next attempt
    // Added members (keep the ones above stable: the window is built against them).
    QString url;                     // RequestSent: the URL asked for
    quint64 gapLastSeenId = 0;       // the server reported a gap (0 = none): ids after this one
    quint64 gapFirstAvailableId = 0; // ... up to (excluding) this one are gone
    bool hasGap() const { return gapFirstAvailableId != 0; }

    // The one name of each kind wherever a kind is written out (watch --json, the window's
    // export): "request", "response", "open", "event", "reconnect", "error", "stopped", "link".
    static QString kindKey(Kind kind);
};

Q_DECLARE_METATYPE(TrafficEvent)
