#include "wsscanner.h"

namespace PushLab::Bench {

void WsScanner::setHandlers(MessageHandler onMessage, PingHandler onPing, CloseHandler onClose) {
    m_onMessage = std::move(onMessage);
    m_onPing = std::move(onPing);
    m_onClose = std::move(onClose);
}

void WsScanner::reset() {
    m_header.clear();
    m_payload.clear();
    m_message.clear();
    m_remaining = 0;
    m_inPayload = false;
    m_closed = false;
}

bool WsScanner::feed(std::string_view bytes) {
    while (!bytes.empty() && !m_closed) {
        if (!m_inPayload) {
            m_header += bytes.front();
            bytes.remove_prefix(1);
            if (m_header.size() < 2)
                continue;
            const auto b0 = static_cast<std::uint8_t>(m_header[0]);
            const auto b1 = static_cast<std::uint8_t>(m_header[1]);
            if ((b1 & 0x80) != 0 || (b0 & 0x70) != 0)
                return false; // masked, or an extension bit nobody negotiated
            const std::uint8_t code = b1 & 0x7F;
            const std::size_t need = code == 126 ? 4 : code == 127 ? 10 : 2;
            if (m_header.size() < need)
                continue;
            std::uint64_t length = code;
            if (need > 2) {
                length = 0;
                for (std::size_t i = 2; i < need; ++i)
                    length = length << 8 | static_cast<std::uint8_t>(m_header[i]);
            }
            m_opcode = b0 & 0x0F;
            m_fin = (b0 & 0x80) != 0;
            const bool control = (m_opcode & 0x8) != 0;
            if ((control && (length > 125 || !m_fin)) ||
                (m_opcode != 0 && m_opcode != 1 && m_opcode != 2 && m_opcode != 8 &&
                 m_opcode != 9 && m_opcode != 10) ||
                length > maxMessageBytes - m_message.size())
                return false;
            m_header.clear();
            m_remaining = length;
            m_payload.clear();
            m_inPayload = true;
            if (m_remaining == 0 && !frameEnded())
                return false;
            continue;
        }
        const std::size_t take =
            static_cast<std::size_t>(std::min<std::uint64_t>(m_remaining, bytes.size()));
        m_payload.append(bytes.data(), take);
        bytes.remove_prefix(take);
        m_remaining -= take;
        if (m_remaining == 0 && !frameEnded())
            return false;
    }
    return true;
}

bool WsScanner::frameEnded() {
    m_inPayload = false;
    switch (m_opcode) {
    case 0x9:
        if (m_onPing)
            m_onPing(m_payload);
        return true;
    case 0xA:
        return true;
    case 0x8: {
        m_closed = true;
        const int code = m_payload.size() >= 2 ? (static_cast<std::uint8_t>(m_payload[0]) << 8 |
                                                  static_cast<std::uint8_t>(m_payload[1]))
                                               : 1005;
        if (m_onClose)
            m_onClose(code);
        return true;
    }
    default: // 0 (continuation), 1 (text), 2 (binary)
        m_message += m_payload;
        if (!m_fin)
            return true;
        if (m_onMessage)
            m_onMessage(m_message);
        m_message.clear();
        return true;
    }
}

std::string clientFrame(int opcode, std::string_view payload, std::uint32_t maskKey) {
    std::string out;
    out += static_cast<char>(0x80 | opcode);
    const std::size_t n = payload.size();
    if (n < 126) {
        out += static_cast<char>(0x80 | n);
    } else if (n <= 0xFFFF) {
        out += static_cast<char>(0x80 | 126);
        out += static_cast<char>(n >> 8);
        out += static_cast<char>(n & 0xFF);
    } else {
        out += static_cast<char>(0x80 | 127);
        for (int shift = 56; shift >= 0; shift -= 8)
            out += static_cast<char>((static_cast<std::uint64_t>(n) >> shift) & 0xFF);
    }
    const char mask[4] = {static_cast<char>(maskKey >> 24), static_cast<char>(maskKey >> 16),
                          static_cast<char>(maskKey >> 8), static_cast<char>(maskKey)};
    out.append(mask, 4);
    for (std::size_t i = 0; i < n; ++i)
        out += static_cast<char>(payload[i] ^ mask[i & 3]);
    return out;
}

} // namespace PushLab::Bench
