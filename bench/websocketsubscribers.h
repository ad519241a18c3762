#pragma once

#include "subscribers.h"

#include <random>

namespace PushLab::Bench {

// WebSocket clients on raw sockets: each sends the RFC 6455 handshake and is connected once the
// server answers 101; then every text frame is scanned for deliveries and every ping answered
// with a masked pong. A connection that closes or breaks is a dropped client (no reconnects).
class WebSocketSubscribers final : public Subscribers {
public:
    explicit WebSocketSubscribers(Context context);

    void onPeerClosed(BenchConnection &c, bool clean) override;

private:
    void installHandlers(BenchConnection &c) override;
    void writeRequest(BenchConnection &c) override;
    void onHead(BenchConnection &c, const HttpResponseParser::Head &head);
    void pong(BenchConnection &c, std::string_view payload);

    std::mt19937 m_masks{std::random_device{}()};
};

} // namespace PushLab::Bench
