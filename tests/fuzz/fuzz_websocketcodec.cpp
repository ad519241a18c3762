// WebSocketCodec::Reader (what a client sends the server) and the bench's WsScanner (what a
// server sends the bench) are fed each input whole and in pieces: the same events in the same
// order, whatever the split. The reader also keeps its bounds: nothing after a close or an
// error, a control payload of at most 125 bytes, messages within the limit, only the close
// codes RFC 6455 lets it send.
#include "splitinput.h"
#include "websocketcodec.h"
#include "wsscanner.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

using Event = WebSocketCodec::Reader::Event;

void require(bool condition, const char *what) {
    if (!condition) {
        std::fprintf(stderr, "fuzz_websocketcodec: %s\n", what);
        std::abort();
    }
}

constexpr qint64 maxMessage = 4096; // small, so the fuzzer reaches the limit

bool same(const Event &a, const Event &b) {
    return a.kind == b.kind && a.payload == b.payload && a.code == b.code && a.size == b.size;
}

// The bench's scanner, as a list of what it reported ("m" + payload, "p" + payload, "c" + code).
std::vector<std::string> scan(const std::vector<std::string_view> &chunks, bool *ok) {
    std::vector<std::string> out;
    PushLab::Bench::WsScanner scanner;
    scanner.setHandlers([&](std::string_view p) { out.push_back("m" + std::string(p)); },
                        [&](std::string_view p) { out.push_back("p" + std::string(p)); },
                        [&](int code) { out.push_back("c" + std::to_string(code)); });
    *ok = true;
    for (const std::string_view chunk : chunks) {
        if (!scanner.feed(chunk)) {
            *ok = false;
            break;
        }
    }
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    const PushLab::Fuzz::SplitInput input(data, size);
    const std::string_view payload = input.payload();

    WebSocketCodec::Reader whole(maxMessage);
    std::vector<Event> wholeEvents;
    whole.feed(QByteArrayView(payload.data(), qsizetype(payload.size())), wholeEvents);

    WebSocketCodec::Reader split(maxMessage);
    std::vector<Event> splitEvents;
    for (const std::string_view chunk : input.chunks()) {
        if (split.finished())
            break;
        split.feed(QByteArrayView(chunk.data(), qsizetype(chunk.size())), splitEvents);
    }
    require(wholeEvents.size() == splitEvents.size(), "reader: split and whole differ in count");
    for (std::size_t i = 0; i < wholeEvents.size(); ++i) {
        const Event &e = wholeEvents[i];
        require(same(e, splitEvents[i]), "reader: split and whole differ");
        const bool last = i + 1 == wholeEvents.size();
        switch (e.kind) {
        case Event::Kind::Ping:
        case Event::Kind::Pong:
            require(e.payload.size() <= 125, "a control payload over 125 bytes");
            break;
        case Event::Kind::Message:
            require(e.size >= 0 && e.size <= maxMessage, "a message over the limit");
            break;
        case Event::Kind::Close:
            require(last, "an event after a close");
            break;
        case Event::Kind::Error:
            require(last, "an event after an error");
            require(e.code == 1002 || e.code == 1007 || e.code == 1009, "an unexpected close code");
            break;
        }
    }
    require(whole.finished() == split.finished(), "reader: finished differs");

    bool wholeOk = false;
    bool splitOk = false;
    const std::vector<std::string> a = scan({payload}, &wholeOk);
    const std::vector<std::string> b = scan(input.chunks(), &splitOk);
    require(wholeOk == splitOk, "scanner: split and whole differ on the error");
    require(a == b, "scanner: split and whole differ");
    return 0;
}
