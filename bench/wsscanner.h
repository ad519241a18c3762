#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace PushLab::Bench {

// The frames a WebSocket server sends (RFC 6455 §5), fed as they arrive at any split: text and
// binary messages (fragments joined), pings to answer, the close. Server frames are never
// masked; one that is, an unknown opcode or a message over maxMessageBytes is a broken stream.
class WsScanner final {
public:
    using MessageHandler = std::function<void(std::string_view payload)>;
    using PingHandler = std::function<void(std::string_view payload)>;
    using CloseHandler = std::function<void(int code)>; // 1005 when the frame has none

    void setHandlers(MessageHandler onMessage, PingHandler onPing, CloseHandler onClose);
    // False on a protocol error. Nothing after a close is read.
    bool feed(std::string_view bytes);
    void reset();

    static constexpr std::size_t maxMessageBytes = 1024 * 1024;

private:
    bool frameEnded();

    std::string m_header; // the frame header so far (2..10 bytes)
    std::string m_payload;
    std::string m_message; // fragments of a message so far
    std::uint64_t m_remaining = 0;
    int m_opcode = 0;
    bool m_fin = false;
    bool m_inPayload = false;
    bool m_closed = false;
    MessageHandler m_onMessage;
    PingHandler m_onPing;
    CloseHandler m_onClose;
};

// A client's frame: FIN set, masked with `maskKey` (RFC 6455 §5.3: every client frame is).
std::string clientFrame(int opcode, std::string_view payload, std::uint32_t maskKey);

} // namespace PushLab::Bench
