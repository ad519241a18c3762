#pragma once

#include "serversentevent.h"

#include <QtCore/QByteArray>
#include <QtCore/QList>
#include <QtCore/QString>

#include <optional>

// Incremental text/event-stream parser following the WHATWG HTML rules: feed it the bytes
// as they arrive, however they are split, and it returns the events dispatched so far. Text is
// decoded as browsers decode it (Utf8Decoder: one U+FFFD per maximal ill-formed subpart).
// Not a QObject: the SSE client, the tests and anything else can drive it directly.
class EventStreamParser final {
public:
    // A line or an event larger than this makes the stream unusable (bounded memory).
    static constexpr qsizetype defaultMaxEventBytes = 16 * 1024 * 1024;

    // Returns the events completed by this chunk, in order.
    QList<ServerSentEvent> feed(QByteArrayView chunk);
    // End of stream: an unterminated event is discarded (WHATWG). Returns the bytes it held.
    qint64 finish();
    // A new connection: line and event state restart, the BOM may appear again, the last
    // event id and the reconnection time are kept.
    void restart();

    QString lastEventId() const { return m_lastEventId; }
    void setLastEventId(const QString &id) {
        m_lastEventId = id;
        m_lastEventIdBuffer = id;
    }
    // The last valid `retry:` value, if the stream ever sent one.
    std::optional<qint64> reconnectionTimeMs() const { return m_retryMs; }
    qint64 commentCount() const { return m_comments; }
    // Bytes fed but not yet charged to a dispatched event.
    qint64 pendingBytes() const { return m_pendingBytes; }
    bool overflowed() const { return m_overflowed; }
    void setMaxEventBytes(qsizetype bytes) { m_maxEventBytes = bytes; }

private:
    void processLine(QByteArrayView line, QList<ServerSentEvent> &out);
    void dispatch(QList<ServerSentEvent> &out);

    QByteArray m_line;            // the incomplete current line (bytes)
    bool m_bomChecked = false;    // a BOM is only stripped at the very start of a stream
    bool m_skipLeadingLf = false; // the previous chunk ended in CR: a LF now is the same line end
    QString m_data;               // data buffer
    QString m_eventType;          // event type buffer
    QString m_lastEventIdBuffer;  // "last event ID buffer"
    QString m_lastEventId;        // last event ID string (set at dispatch)
    std::optional<qint64> m_retryMs;
    qint64 m_comments = 0;
    qint64 m_pendingBytes = 0;
    qsizetype m_maxEventBytes = defaultMaxEventBytes;
    bool m_overflowed = false;
};
