#include "linkproxybuffer.h"

#include <QtCore/QList>

namespace {

constexpr qsizetype maxHeadBytes = 64 * 1024;

// The status and the framing a response head announces.
struct Head {
    int status = 0;
    qint64 contentLength = -1;
};

Head parseHead(QByteArrayView head) {
    Head h;
    const QList<QByteArray> lines = head.toByteArray().split('\n');
    if (lines.isEmpty())
        return h;
    const QList<QByteArray> statusLine = lines.first().trimmed().split(' ');
    if (statusLine.size() >= 2)
        h.status = statusLine.at(1).toInt();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        if (line.left(colon).trimmed().compare("content-length", Qt::CaseInsensitive) == 0) {
            bool ok = false;
            const qint64 n = line.mid(colon + 1).trimmed().toLongLong(&ok);
            if (ok && n >= 0)
                h.contentLength = n;
        }
    }
    return h;
}

} // namespace

LinkProxyBuffer::Output LinkProxyBuffer::feed(const QByteArray &bytes) {
    Output out;
    if (m_state == State::Tunnel) {
        out.bytes = bytes;
        return out;
    }
    m_held += bytes;
    // Walk what is held: heads, bodies, until a stream (or the tunnel) takes the rest.
    for (;;) {
        if (m_state == State::Head) {
            const qsizetype end = m_held.indexOf("\r\n\r\n", m_headStart);
            if (end < 0)
                break;
            const qsizetype bodyStart = end + 4;
            const Head head =
                parseHead(QByteArrayView(m_held).sliced(m_headStart, end - m_headStart));
            m_headStart = bodyStart;
            if (head.status == 101) {
                out.bytes += m_held;
                m_held.clear();
                m_headStart = 0;
                m_state = State::Tunnel;
                return out;
            }
            if ((head.status >= 100 && head.status < 200) || head.status == 204 ||
                head.status == 304 || head.contentLength == 0) {
                if (head.status >= 200) {
                    // A response with no body is complete at its head.
                    out.bytes += m_held.left(bodyStart);
                    m_held.remove(0, bodyStart);
                    m_headStart = 0;
                }
                continue;
            }
            if (head.contentLength > 0) {
                m_bodyLeft = head.contentLength;
                m_state = State::Body;
            } else {
                m_state = State::UntilClose;
                out.streamHeld = true;
            }
        }
        if (m_state == State::Body) {
            const qint64 available = m_held.size() - m_headStart;
            if (available < m_bodyLeft)
                break;
            const qsizetype end = m_headStart + qsizetype(m_bodyLeft);
            out.bytes += m_held.left(end);
            m_held.remove(0, end);
            m_headStart = 0;
            m_bodyLeft = 0;
            m_state = State::Head;
            continue;
        }
        break; // UntilClose: held until full or closed
    }
    releaseIfFull(&out);
    return out;
}

void LinkProxyBuffer::releaseIfFull(Output *out) {
    if (m_held.size() < m_holdBytes)
        return;
    // The buffer filled: it all goes on, and the part of a body still to come is counted from
    // here.
    // A head still incomplete stays (a proxy sends no half head), unless it is no HTTP head.
    if (m_state == State::Head && m_held.size() < maxHeadBytes)
        return;
    if (m_state == State::Body)
        m_bodyLeft -= m_held.size() - m_headStart;
    out->releasedWhenFull += m_held.size();
    out->bytes += m_held;
    m_held.clear();
    m_headStart = 0;
}

QByteArray LinkProxyBuffer::flush() {
    QByteArray rest;
    rest.swap(m_held);
    m_headStart = 0;
    return rest;
}
