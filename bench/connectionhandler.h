#pragma once

#include <string_view>

namespace PushLab::Bench {

struct BenchConnection;

// What a SocketLoop tells a connection's owner (the crowd's state machine, or the publisher)
// besides the bytes, which go to the connection's parser.
class ConnectionHandler {
public:
    virtual ~ConnectionHandler() = default;
    ConnectionHandler(const ConnectionHandler &) = delete;
    ConnectionHandler &operator=(const ConnectionHandler &) = delete;

    // The request in `out` is on the wire, all of it.
    virtual void onRequestWritten(BenchConnection &c) = 0;
    // Connecting or writing failed; `why` is for the report.
    virtual void onBroken(BenchConnection &c, std::string_view why) = 0;
    // The peer closed the connection (clean: at the end of a response), or reset it or sent
    // something that is not HTTP (not clean).
    virtual void onPeerClosed(BenchConnection &c, bool clean) = 0;

protected:
    ConnectionHandler() = default;
};

} // namespace PushLab::Bench
