// The bench's HTTP response parser and SSE scanner, each fed the payload whole and in pieces
// (cut where the input's first bytes say). Both promise "however the bytes are split": the
// same heads, body bytes, response ends and protocol errors, the same SSE events.
#include "httpresponseparser.h"
#include "splitinput.h"
#include "ssescanner.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using PushLab::Bench::HttpResponseParser;
using PushLab::Bench::SseScanner;

namespace {

void require(bool condition, const char *what) {
    if (!condition) {
        std::fprintf(stderr, "fuzz_benchparsers: split and whole differ: %s\n", what);
        std::abort();
    }
}

// What a parser reported, in order; body bytes in a row are one entry (their split is free).
struct HttpTrace {
    std::vector<std::string> events;
    bool fed = true;      // every feed returned true
    bool finished = true; // finish() returned true
};

HttpTrace runHttp(const std::vector<std::string_view> &chunks) {
    HttpTrace trace;
    HttpResponseParser parser;
    bool inBody = false;
    parser.setHandlers(
        [&](const HttpResponseParser::Head &head) {
            trace.events.push_back(
                "head " + std::to_string(head.status) + ' ' + std::to_string(head.contentLength) +
                ' ' + std::to_string(head.chunked) + ' ' + std::to_string(head.connectionClose) +
                " [" + head.contentType + "] [" + head.lastModified + "] [" + head.etag + ']');
            inBody = false;
        },
        [&](std::string_view body) {
            if (!inBody)
                trace.events.emplace_back("body ");
            trace.events.back().append(body);
            inBody = true;
        },
        [&] {
            trace.events.emplace_back("complete");
            inBody = false;
        });
    for (const std::string_view chunk : chunks) {
        if (!parser.feed(chunk)) {
            trace.fed = false; // the connection is dropped: nothing more is fed
            return trace;
        }
        require(parser.bufferedBytes() <= HttpResponseParser::maxLineLength + 1,
                "the parser holds back at most a line");
    }
    trace.finished = parser.finish();
    return trace;
}

std::vector<std::string> runSse(const std::vector<std::string_view> &chunks, bool *fed) {
    std::vector<std::string> events;
    SseScanner scanner([&](std::string_view type, std::string_view data) {
        events.push_back(std::string(type) + '\0' + std::string(data));
    });
    *fed = true;
    for (const std::string_view chunk : chunks) {
        if (!scanner.feed(chunk)) {
            *fed = false;
            break;
        }
    }
    return events;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    const PushLab::Fuzz::SplitInput input(data, size);
    const std::vector<std::string_view> whole{input.payload()};
    const std::vector<std::string_view> pieces = input.chunks();

    const HttpTrace httpWhole = runHttp(whole);
    const HttpTrace httpSplit = runHttp(pieces);
    require(httpWhole.fed == httpSplit.fed, "HTTP: protocol error");
    require(httpWhole.events == httpSplit.events, "HTTP: heads, bodies and ends");
    require(httpWhole.finished == httpSplit.finished, "HTTP: finish");

    bool sseWholeFed = false;
    bool sseSplitFed = false;
    const std::vector<std::string> sseWhole = runSse(whole, &sseWholeFed);
    const std::vector<std::string> sseSplit = runSse(pieces, &sseSplitFed);
    if (sseWholeFed && sseSplitFed)
        require(sseWhole == sseSplit, "SSE: events");
    return 0;
}
