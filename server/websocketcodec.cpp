#include "websocketcodec.h"

#include <QtCore/QCryptographicHash>
#include <QtCore/QtEndian>

namespace WebSocketCodec {

QByteArray frame(Opcode opcode, QByteArrayView payload) {
    const qsizetype n = payload.size();
    QByteArray out;
    out.reserve(n + 10);
    out.append(char(0x80 | opcode));
    if (n < 126) {
        out.append(char(n));
    } else if (n <= 0xFFFF) {
        out.append(char(126));
        out.append(char(n >> 8));
        out.append(char(n & 0xFF));
    } else {
        out.append(char(127));
        for (int shift = 56; shift >= 0; shift -= 8)
            out.append(char((quint64(n) >> shift) & 0xFF));
    }
    out.append(payload);
    return out;
}

QByteArray close(quint16 code, const QString &reason) {
    QByteArray payload;
    payload.append(char(code >> 8));
    payload.append(char(code & 0xFF));
    QByteArray utf8 = reason.toUtf8();
    if (utf8.size() > 123) { // cut at a character boundary: the reason must stay valid UTF-8
        qsizetype cut = 123;
        while (cut > 0 && (quint8(utf8[cut]) & 0xC0) == 0x80)
            --cut;
        utf8.truncate(cut);
    }
    payload.append(utf8);
    return frame(Close, payload);
}

QByteArray ping(QByteArrayView payload) {
    return frame(Ping, payload.first(qMin<qsizetype>(125, payload.size())));
}

QByteArray acceptKey(QByteArrayView key) {
    QCryptographicHash sha1(QCryptographicHash::Sha1);
    sha1.addData(key);
    sha1.addData(QByteArrayView("258EAFA5-E914-47DA-95CA-C5AB0DC85B11"));
    return sha1.result().toBase64();
}

bool isValidKey(QByteArrayView key) {
    if (key.size() != 24 || !key.endsWith("=="))
        return false;
    const auto decoded =
        QByteArray::fromBase64Encoding(key.toByteArray(), QByteArray::AbortOnBase64DecodingErrors);
    return decoded.decodingStatus == QByteArray::Base64DecodingStatus::Ok &&
           decoded.decoded.size() == 16;
}

bool hasToken(QByteArrayView headerValue, QByteArrayView token) {
    qsizetype pos = 0;
    while (pos <= headerValue.size()) {
        qsizetype comma = headerValue.indexOf(',', pos);
        if (comma < 0)
            comma = headerValue.size();
        if (headerValue.sliced(pos, comma - pos).trimmed().compare(token, Qt::CaseInsensitive) == 0)
            return true;
        pos = comma + 1;
    }
    return false;
}

bool Utf8Validator::feed(QByteArrayView bytes) {
    for (const char ch : bytes) {
        const auto b = quint8(ch);
        if (m_need == 0) {
            if (b < 0x80)
                continue;
            m_low = 0x80;
            m_high = 0xBF;
            if (b >= 0xC2 && b <= 0xDF) {
                m_need = 1;
            } else if (b == 0xE0) {
                m_need = 2;
                m_low = 0xA0;
            } else if ((b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF) {
                m_need = 2;
            } else if (b == 0xED) { // not the surrogates U+D800..U+DFFF
                m_need = 2;
                m_high = 0x9F;
            } else if (b == 0xF0) {
                m_need = 3;
                m_low = 0x90;
            } else if (b >= 0xF1 && b <= 0xF3) {
                m_need = 3;
            } else if (b == 0xF4) { // not past U+10FFFF
                m_need = 3;
                m_high = 0x8F;
            } else {
                return false;
            }
            continue;
        }
        if (b < m_low || b > m_high)
            return false;
        m_low = 0x80;
        m_high = 0xBF;
        --m_need;
    }
    return true;
}

void Reader::fail(std::vector<Event> &events, quint16 code, const QString &message) {
    m_state = State::Finished;
    Event e;
    e.kind = Event::Kind::Error;
    e.code = code;
    e.message = message;
    events.push_back(std::move(e));
}

bool Reader::takeHeader(std::vector<Event> &events) {
    // Called as header bytes arrive; true once the whole header (with its mask) is here.
    if (m_headerBytes < 2)
        return false;
    const quint8 lengthCode = m_header[1] & 0x7F;
    const int lengthBytes = lengthCode == 126 ? 2 : lengthCode == 127 ? 8 : 0;
    const bool masked = (m_header[1] & 0x80) != 0;
    if (m_headerBytes == 2) { // check what the first two bytes say before waiting for more
        m_fin = (m_header[0] & 0x80) != 0;
        m_opcode = m_header[0] & 0x0F;
        if ((m_header[0] & 0x70) != 0) {
            fail(events, CloseCode::protocolError, QStringLiteral("A reserved bit is set."));
            return false;
        }
        if (!masked) {
            fail(events, CloseCode::protocolError,
                 QStringLiteral("A client's frame must be masked."));
            return false;
        }
        switch (m_opcode) {
        case Continuation:
            if (!m_inMessage) {
                fail(events, CloseCode::protocolError,
                     QStringLiteral("A continuation frame with no message to continue."));
                return false;
            }
            break;
        case Text:
        case Binary:
            if (m_inMessage) {
                fail(events, CloseCode::protocolError,
                     QStringLiteral("A new message began before the last one ended."));
                return false;
            }
            break;
        case Close:
        case Ping:
        case Pong:
            if (!m_fin || lengthCode > 125) {
                fail(events, CloseCode::protocolError,
                     QStringLiteral("A control frame must be one frame of at most 125 bytes."));
                return false;
            }
            break;
        default:
            fail(events, CloseCode::protocolError,
                 QStringLiteral("Opcode %1 is not defined.").arg(m_opcode));
            return false;
        }
    }
    if (m_headerBytes < 2 + lengthBytes + 4)
        return false;
    quint64 length = lengthCode;
    if (lengthBytes == 2)
        length = qFromBigEndian<quint16>(m_header + 2);
    else if (lengthBytes == 8)
        length = qFromBigEndian<quint64>(m_header + 2);
    if (length >> 63) {
        fail(events, CloseCode::protocolError, QStringLiteral("A frame length is over 2^63."));
        return false;
    }
    const bool isData = (m_opcode & 0x8) == 0;
    if (isData && qint64(length) > m_maxMessageBytes - m_messageBytes) {
        fail(events, CloseCode::tooBig,
             QStringLiteral("Messages to this server are limited to %1 bytes.")
                 .arg(m_maxMessageBytes));
        return false;
    }
    memcpy(m_mask, m_header + 2 + lengthBytes, 4);
    m_remaining = qint64(length);
    m_maskOffset = 0;
    if (isData && m_opcode != Continuation) {
        m_inMessage = true;
        m_textMessage = m_opcode == Text;
        m_utf8 = Utf8Validator();
    }
    return true;
}

void Reader::endFrame(std::vector<Event> &events) {
    m_state = State::Header;
    m_headerBytes = 0;
    Event e;
    switch (m_opcode) {
    case Ping:
    case Pong:
        e.kind = m_opcode == Ping ? Event::Kind::Ping : Event::Kind::Pong;
        e.payload = std::exchange(m_control, {});
        events.push_back(std::move(e));
        return;
    case Close: {
        const QByteArray payload = std::exchange(m_control, {});
        e.kind = Event::Kind::Close;
        e.code = CloseCode::noStatus;
        if (payload.size() == 1)
            return fail(events, CloseCode::protocolError,
                        QStringLiteral("A close frame's code is two bytes."));
        if (payload.size() >= 2) {
            e.code = qFromBigEndian<quint16>(payload.constData());
            const bool defined = (e.code >= 1000 && e.code <= 1003) ||
                                 (e.code >= 1007 && e.code <= 1011) ||
                                 (e.code >= 3000 && e.code <= 4999);
            if (!defined)
                return fail(events, CloseCode::protocolError,
                            QStringLiteral("Close code %1 may not be sent.").arg(e.code));
            e.payload = payload.sliced(2);
            Utf8Validator reason;
            if (!reason.feed(e.payload) || !reason.complete())
                return fail(events, CloseCode::invalidData,
                            QStringLiteral("A close frame's reason is not UTF-8."));
        }
        m_state = State::Finished;
        events.push_back(std::move(e));
        return;
    }
    case Continuation:
    case Text:
    case Binary:
        if (!m_fin)
            return; // more frames of this message to come
        if (m_textMessage && !m_utf8.complete())
            return fail(events, CloseCode::invalidData,
                        QStringLiteral("A text message ends inside a UTF-8 character."));
        m_inMessage = false;
        e.kind = Event::Kind::Message;
        e.size = std::exchange(m_messageBytes, 0);
        events.push_back(std::move(e));
        return;
    default:
        return;
    }
}

void Reader::feed(QByteArrayView bytes, std::vector<Event> &events) {
    qsizetype pos = 0;
    while (m_state != State::Finished) {
        if (m_state == State::Header) {
            if (pos == bytes.size())
                return;
            m_header[m_headerBytes++] = quint8(bytes[pos++]);
            if (!takeHeader(events))
                continue; // more header to come, or finished with an error
            m_state = State::Payload;
            if (m_remaining == 0)
                endFrame(events);
            continue;
        }
        // State::Payload
        const qsizetype take = qsizetype(qMin<qint64>(m_remaining, bytes.size() - pos));
        if (take == 0)
            return;
        QByteArray chunk = bytes.sliced(pos, take).toByteArray();
        for (qsizetype i = 0; i < take; ++i)
            chunk[i] = char(chunk[i] ^ m_mask[(m_maskOffset + i) & 3]);
        pos += take;
        m_maskOffset += take;
        m_remaining -= take;
        if ((m_opcode & 0x8) != 0) {
            m_control.append(chunk);
        } else {
            m_messageBytes += take;
            if (m_textMessage && !m_utf8.feed(chunk))
                return fail(events, CloseCode::invalidData,
                            QStringLiteral("A text message is not valid UTF-8."));
        }
        if (m_remaining == 0)
            endFrame(events);
    }
}

} // namespace WebSocketCodec
