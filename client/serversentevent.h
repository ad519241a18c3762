#pragma once

#include <QtCore/QString>

// One dispatched text/event-stream event, as the WHATWG rules define it.
struct ServerSentEvent {
    QString type;        // "message" unless the stream said otherwise
    QString data;        // data lines joined with LF, last LF stripped
    QString lastEventId; // the stream's last event id after this event
    qint64 bytes = 0;    // stream bytes consumed since the previous dispatch (comments included)
};
