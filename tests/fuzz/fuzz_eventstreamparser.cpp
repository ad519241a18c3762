// EventStreamParser's contract is "however the bytes are split": the input is fed whole to
// one parser and in pieces (cut where the input's first bytes say) to another, and both must
// dispatch the same events (type, data, last event id) and end in the same state (reconnection
// time, comments, overflow), every byte charged to exactly one event or still pending.
//
// Known and allowed: when a CRLF is cut between its CR and LF, the LF is charged to the next
// event rather than the one the CRLF ended (so an event's `bytes` may differ by one; the
// totals agree). docs/fuzzing.md has the reproducer.
#include "eventstreamparser.h"
#include "splitinput.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace {

void require(bool condition, const char *what) {
    if (!condition) {
        std::fprintf(stderr, "fuzz_eventstreamparser: split and whole differ: %s\n", what);
        std::abort();
    }
}

QByteArrayView view(std::string_view s) {
    return QByteArrayView(s.data(), qsizetype(s.size()));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    const PushLab::Fuzz::SplitInput input(data, size);

    EventStreamParser whole;
    const QList<ServerSentEvent> wholeEvents = whole.feed(view(input.payload()));

    EventStreamParser split;
    QList<ServerSentEvent> splitEvents;
    for (const std::string_view chunk : input.chunks())
        splitEvents.append(split.feed(view(chunk)));

    require(wholeEvents.size() == splitEvents.size(), "event count");
    qint64 wholeBytes = whole.pendingBytes();
    qint64 splitBytes = split.pendingBytes();
    for (qsizetype i = 0; i < wholeEvents.size(); ++i) {
        const ServerSentEvent &a = wholeEvents.at(i);
        const ServerSentEvent &b = splitEvents.at(i);
        require(a.type == b.type, "event type");
        require(a.data == b.data, "event data");
        require(a.lastEventId == b.lastEventId, "event last id");
        require(a.bytes - b.bytes <= 1 && b.bytes - a.bytes <= 1, "event bytes (beyond a LF)");
        wholeBytes += a.bytes;
        splitBytes += b.bytes;
        require(!a.type.isEmpty(), "an event has a type");
    }
    require(whole.reconnectionTimeMs() == split.reconnectionTimeMs(), "retry");
    require(whole.lastEventId() == split.lastEventId(), "last event id");
    require(whole.commentCount() == split.commentCount(), "comment count");
    require(whole.overflowed() == split.overflowed(), "overflow");
    if (!whole.overflowed()) {
        require(wholeBytes == qint64(input.payload().size()), "every byte charged (whole)");
        require(splitBytes == qint64(input.payload().size()), "every byte charged (split)");
    }
    // What finish() returns is the pending bytes: the deferred LF may sit there, too.
    const qint64 wholeHeld = whole.finish();
    const qint64 splitHeld = split.finish();
    require(wholeHeld - splitHeld <= 1 && splitHeld - wholeHeld <= 1, "bytes held at finish");
    return 0;
}
