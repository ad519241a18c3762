#pragma once

#include "httpresponseparser.h"
#include "ssescanner.h"
#include "wsscanner.h"

#include <cstdint>
#include <string>

namespace PushLab::Bench {

class ConnectionHandler;

// One socket of the bench (a client of the crowd, or the publisher) and what the bench knows
// about it. Its owner keeps it at one address for the whole run: epoll events point at it.
struct BenchConnection final {
    ConnectionHandler *handler = nullptr; // told what the socket did
    int client = -1;                      // the client's number; -1 for the publisher
    int fd = -1;
    bool established = false;
    bool subscribed = false; // counted as connected
    bool failed = false;     // gave up on this client
    std::int64_t firstAttemptUs = 0;
    bool polledAgain = false; // short poll with --interval: past its first pause
    bool requestOpen = false;
    int httpStatus = 0;
    std::string out; // the request being written
    std::size_t outOffset = 0;
    HttpResponseParser parser;
    SseScanner sse;
    WsScanner ws;
    std::string body;
    std::string since; // a poll's cursor
    std::string lastModified;
    std::string etag;
    int pendingSequence = -1; // publisher: sequence in flight
};

} // namespace PushLab::Bench
