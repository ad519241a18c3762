#pragma once

#include "benchoptions.h"

#include <string>

namespace PushLab::Bench {

struct HttpTarget;

// The bench's HTTP requests. Each is written into `out`, replacing what it held: a connection
// reuses its buffer, so 10,000 clients polling again allocate nothing.
class RequestWriter final {
public:
    // GET of an event stream.
    static void stream(std::string &out, const HttpTarget &target);
    // The RFC 6455 opening handshake (a fixed key: the bench reads the 101, not the accept).
    static void webSocket(std::string &out, const HttpTarget &target);
    // GET of a poll route from `since` (none when empty), with the validators of the last answer.
    static void poll(std::string &out, const HttpTarget &target, const std::string &since,
                     const std::string &lastModified, const std::string &etag);
    // Publishes `text`: as a POST body, or into the GET route's {text} placeholder.
    static void publish(std::string &out, const HttpTarget &target,
                        BenchOptions::PublishMethod method, const std::string &text);
    // A one-off GET that closes the connection after the answer.
    static void once(std::string &out, const HttpTarget &target);

    static constexpr const char *userAgent = "pushlab-bench";
};

} // namespace PushLab::Bench
