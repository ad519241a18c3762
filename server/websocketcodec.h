#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QByteArrayView>
#include <QtCore/QString>

#include <vector>

// RFC 6455 on the server's side, without sockets (tested and fuzzed on its own): the frames
// the server sends, the handshake's accept key, and a reader for what a client sends.
namespace WebSocketCodec {

enum Opcode : quint8 {
    Continuation = 0x0,
    Text = 0x1,
    Binary = 0x2,
    Close = 0x8,
    Ping = 0x9,
    Pong = 0xA
};

// Close codes (RFC 6455 §7.4.1) the server sends.
namespace CloseCode {
inline constexpr quint16 normal = 1000;
inline constexpr quint16 goingAway = 1001;
inline constexpr quint16 protocolError = 1002;
inline constexpr quint16 noStatus = 1005; // never on the wire: a close frame without a code
inline constexpr quint16 invalidData = 1007;
inline constexpr quint16 tooBig = 1009;
} // namespace CloseCode

// One unmasked frame with FIN set (a server never masks, so every subscriber gets the same
// bytes and one encoding serves a whole fan-out).
QByteArray frame(Opcode opcode, QByteArrayView payload);
inline QByteArray text(QByteArrayView utf8) {
    return frame(Text, utf8);
}
// A close frame: the code, then the reason cut to fit a control frame (125 bytes).
QByteArray close(quint16 code, const QString &reason = QString());
QByteArray ping(QByteArrayView payload = {});

// Sec-WebSocket-Accept for a Sec-WebSocket-Key (§4.2.2).
QByteArray acceptKey(QByteArrayView key);
// Whether a Sec-WebSocket-Key is what §4.1 requires: 16 bytes, base64-encoded.
bool isValidKey(QByteArrayView key);
// Whether a comma-separated header value (Connection, Upgrade) lists `token`, case-insensitively.
bool hasToken(QByteArrayView headerValue, QByteArrayView token);

// Well-formed UTF-8 (the Unicode Standard's Table 3-7), checked a byte at a time, so a
// character may span frames.
class Utf8Validator final {
public:
    bool feed(QByteArrayView bytes);
    bool complete() const { return m_need == 0; }

private:
    int m_need = 0;
    quint8 m_low = 0x80;
    quint8 m_high = 0xBF;
};

// What a client sends, a chunk at a time, at any split. Holds one frame header and one control
// frame's payload at most: a data message is checked (UTF-8 for text) and counted as it
// streams by, never stored, since the server has nothing to do with a client's messages.
class Reader final {
public:
    struct Event {
        enum class Kind { Ping, Pong, Close, Message, Error };
        Kind kind = Kind::Error;
        QByteArray payload; // a ping's or pong's payload; a close's reason
        quint16 code = 0;   // Close: the peer's code (noStatus when none); Error: ours to send
        qint64 size = 0;    // Message: its payload bytes
        QString message;    // Error: what was wrong, for the close frame's reason and logs
    };

    explicit Reader(qint64 maxMessageBytes)
        : m_maxMessageBytes(maxMessageBytes) {}

    // Appends what `bytes` completes. Stops after a Close or an Error; feed nothing after one.
    void feed(QByteArrayView bytes, std::vector<Event> &events);
    bool finished() const { return m_state == State::Finished; }

private:
    enum class State { Header, Payload, Finished };
    bool takeHeader(std::vector<Event> &events);
    void endFrame(std::vector<Event> &events);
    void fail(std::vector<Event> &events, quint16 code, const QString &message);

    State m_state = State::Header;
    quint8 m_header[14] = {};
    int m_headerBytes = 0;
    // The frame being read.
    quint8 m_opcode = 0;
    bool m_fin = false;
    quint8 m_mask[4] = {};
    qint64 m_remaining = 0;
    qint64 m_maskOffset = 0;
    QByteArray m_control; // a control frame's payload (at most 125 bytes)
    // The data message being read (over one or more frames).
    bool m_inMessage = false;
    bool m_textMessage = false;
    qint64 m_messageBytes = 0;
    Utf8Validator m_utf8;
    qint64 m_maxMessageBytes = 0;
};

} // namespace WebSocketCodec
