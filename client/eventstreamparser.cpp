#include "eventstreamparser.h"

#include "utf8decoder.h"

namespace {

constexpr char cr = '\r';
constexpr char lf = '\n';

bool allAsciiDigits(QByteArrayView value) {
    if (value.isEmpty())
        return false;
    for (char c : value) {
        if (c < '0' || c > '9')
            return false;
    }
    return true;
}

} // namespace

QList<ServerSentEvent> EventStreamParser::feed(QByteArrayView chunk) {
    QList<ServerSentEvent> out;
    if (m_overflowed)
        return out;
    qsizetype pos = 0;
    const qsizetype size = chunk.size();
    if (m_skipLeadingLf && size > 0) {
        m_skipLeadingLf = false;
        if (chunk.at(0) == lf) {
            ++m_pendingBytes;
            pos = 1;
        }
    }
    while (pos < size) {
        // Find the next CR or LF.
        qsizetype end = pos;
        while (end < size && chunk.at(end) != cr && chunk.at(end) != lf)
            ++end;
        if (end == size) {
            m_line.append(chunk.sliced(pos));
            m_pendingBytes += size - pos;
            if (m_line.size() > m_maxEventBytes)
                m_overflowed = true;
            break;
        }
        qsizetype terminatorLength = 1;
        if (chunk.at(end) == cr) {
            if (end + 1 < size) {
                if (chunk.at(end + 1) == lf)
                    terminatorLength = 2;
            } else {
                // CR at the end of the chunk: a LF first in the next one belongs to it.
                m_skipLeadingLf = true;
            }
        }
        m_pendingBytes += end - pos + terminatorLength;
        if (m_line.isEmpty()) {
            processLine(chunk.sliced(pos, end - pos), out);
        } else {
            m_line.append(chunk.sliced(pos, end - pos));
            const QByteArray line = std::exchange(m_line, {});
            processLine(line, out);
        }
        if (m_overflowed)
            break;
        pos = end + terminatorLength;
    }
    return out;
}

void EventStreamParser::processLine(QByteArrayView line, QList<ServerSentEvent> &out) {
    if (!m_bomChecked) {
        // The UTF-8 decoder strips one BOM at the start of the stream, and only there.
        m_bomChecked = true;
        if (line.startsWith("\xEF\xBB\xBF"))
            line = line.sliced(3);
    }
    if (line.isEmpty()) {
        dispatch(out);
        return;
    }
    if (line.front() == ':') {
        ++m_comments;
        return;
    }
    QByteArrayView field = line;
    QByteArrayView value;
    const qsizetype colon = line.indexOf(':');
    if (colon >= 0) {
        field = line.first(colon);
        value = line.sliced(colon + 1);
        if (value.startsWith(' '))
            value = value.sliced(1);
    }
    // Decoding each value on its own gives what decoding the whole stream gives: CR, LF and ':'
    // are ASCII, which ends any UTF-8 sequence, and m_line keeps a line's bytes until the line is
    // complete, so a sequence split across feeds is decoded whole.
    if (field == "event") {
        m_eventType = Utf8Decoder::decode(value);
    } else if (field == "data") {
        m_data += Utf8Decoder::decode(value);
        m_data += QLatin1Char('\n');
        if (m_data.size() > m_maxEventBytes)
            m_overflowed = true;
    } else if (field == "id") {
        if (!value.contains('\0'))
            m_lastEventIdBuffer = Utf8Decoder::decode(value);
    } else if (field == "retry") {
        if (allAsciiDigits(value)) {
            bool ok = false;
            const qint64 ms = value.toLongLong(&ok);
            if (ok) // digits beyond qint64 are ignored rather than wrapped
                m_retryMs = ms;
        }
    }
    // Any other field is ignored.
}

void EventStreamParser::dispatch(QList<ServerSentEvent> &out) {
    m_lastEventId = m_lastEventIdBuffer;
    if (m_data.isEmpty()) {
        m_eventType.clear();
        return;
    }
    if (m_data.endsWith(QLatin1Char('\n')))
        m_data.chop(1);
    ServerSentEvent event;
    event.type = m_eventType.isEmpty() ? QStringLiteral("message") : m_eventType;
    event.data = std::exchange(m_data, {});
    event.lastEventId = m_lastEventId;
    event.bytes = std::exchange(m_pendingBytes, 0);
    m_eventType.clear();
    out.append(std::move(event));
}

qint64 EventStreamParser::finish() {
    const qint64 bytes = std::exchange(m_pendingBytes, 0);
    m_line.clear();
    m_data.clear();
    m_eventType.clear();
    m_lastEventIdBuffer = m_lastEventId; // an id in the discarded event never took effect
    m_skipLeadingLf = false;
    return bytes;
}

void EventStreamParser::restart() {
    finish();
    m_bomChecked = false;
    m_overflowed = false;
}
