#pragma once

#include <QtCore/QByteArray>

// The network lab's buffering proxy for one connection's server-to-client bytes: holds each
// response until it has holdBytes of it or the response ends, as a buffering reverse proxy
// does. Finds response ends from the head (Content-Length, 204/304, 1xx); a response without
// a length (an SSE stream) ends only when the connection does. After a 101 everything passes.
class LinkProxyBuffer final {
public:
    explicit LinkProxyBuffer(qint64 holdBytes)
        : m_holdBytes(holdBytes) {}

    struct Output {
        QByteArray bytes;            // what the proxy passes on now
        bool streamHeld = false;     // a response without a length began to be held
        qint64 releasedWhenFull = 0; // bytes released because the buffer filled (0 = none)
    };
    Output feed(const QByteArray &bytes);
    // The server closed: everything held goes.
    QByteArray flush();
    qint64 held() const { return m_held.size(); }
    bool isHoldingStream() const { return m_state == State::UntilClose; }

private:
    enum class State { Head, Body, UntilClose, Tunnel };
    void startResponse(Output *out);
    void releaseIfFull(Output *out);

    qint64 m_holdBytes = 0;
    State m_state = State::Head;
    QByteArray m_held;
    qsizetype m_headStart = 0; // where the current head begins in m_held
    qint64 m_bodyLeft = 0;
};
