#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QByteArrayView>
#include <QtCore/QString>

#include <optional>
#include <variant>

// Where each request on a connection ends, and whether its framing is one a server may act on
// (RFC 9112). Every byte that reaches QHttpServer goes through here first, and the fast path
// takes only heads this class accepts, so both paths answer the same requests and refuse the
// same ones. A request whose framing is ambiguous or broken — Content-Length with
// Transfer-Encoding, an invalid or repeated Content-Length, a coding other than chunked, a
// folded header, whitespace before a colon, a control byte, a bad request line or version, a
// broken chunk — is refused, and the connection must then close: whatever follows cannot be
// told apart from a smuggled request (§6.3, §11.2).
class RequestFramer final {
public:
    struct Problem {
        int status = 400; // 400, 431, 501 or 505
        QString message;
    };
    struct Head {
        qint64 contentLength = 0;
        bool chunked = false;
        bool http10 = false;
        bool upgrade = false; // Upgrade on the WebSocket path (Wire::webSocketPath), no body
    };

    explicit RequestFramer(int maxHeadBytes = 16 * 1024)
        : m_maxHeadBytes(maxHeadBytes) {}

    // One complete head: the request line, the header lines and the empty line that ends them.
    static std::variant<Head, Problem> checkHead(QByteArrayView head);

    // The connection's next bytes, in order. A problem ends the framing for good (the
    // connection is to be refused and closed); feed nothing more after one.
    std::optional<Problem> feed(QByteArrayView bytes);
    // Between two requests: nothing of the next one seen yet.
    bool atBoundary() const { return m_state == State::Head && m_pending.isEmpty(); }
    // Whether the oldest request whose head was fed, and not taken yet, said HTTP/1.0; QHttpServer
    // delivers requests in that order (6.4 does not say the version itself). False when none.
    bool takeHttp10();
    // A WebSocket upgrade's head was fed: nothing after it is HTTP (feed takes no more).
    bool upgraded() const { return m_state == State::Upgraded; }
    // That head, whole, and how many of the bytes fed with it came after it.
    const QByteArray &upgradeHead() const { return m_pending; }
    qsizetype bytesAfterUpgradeHead() const { return m_afterUpgradeHead; }
    // Requests fed whose heads QHttpServer has not delivered yet (takeHttp10).
    bool requestsPending() const { return !m_heads.isEmpty(); }

private:
    enum class State { Head, Body, ChunkSize, ChunkData, ChunkDataEnd, Trailers, Failed, Upgraded };
    std::optional<Problem> takeLine(QByteArrayView line);
    std::optional<Problem> fail(int status, const QString &message);

    State m_state = State::Head;
    QByteArray m_pending; // the head so far, the chunk line / trailer line being read, or the
                          // upgrade's head
    qsizetype m_afterUpgradeHead = 0;
    qint64 m_remaining = 0; // body or chunk bytes still to come
    // One byte per head fed whose request is not taken yet: '1' for HTTP/1.0. Bounded by what
    // one read buffer can hold, and empty (no allocation) between requests.
    QByteArray m_heads;
    int m_maxHeadBytes = 0;
};
