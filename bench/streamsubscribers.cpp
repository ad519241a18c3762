#include "streamsubscribers.h"

#include "benchclock.h"
#include "crowdtally.h"
#include "requestwriter.h"

namespace PushLab::Bench {

StreamSubscribers::StreamSubscribers(Context context)
    : Subscribers(std::move(context)) {}

void StreamSubscribers::installHandlers(BenchConnection &c) {
    BenchConnection *conn = &c;
    c.parser.setHandlers(
        [this, conn](const HttpResponseParser::Head &head) { onHead(*conn, head); },
        [this, conn](std::string_view data) { onBody(*conn, data); },
        [this, conn]() { onComplete(*conn); });
    c.sse.setHandler([this, conn](std::string_view, std::string_view data) {
        recordDeliveries(*conn, data, monotonicUs());
    });
}

void StreamSubscribers::writeRequest(BenchConnection &c) {
    RequestWriter::stream(c.out, targetOf(c));
}

void StreamSubscribers::onHead(BenchConnection &c, const HttpResponseParser::Head &head) {
    c.httpStatus = head.status;
    if (head.status == 200) {
        markSubscribed(c);
    } else {
        ++m_context.tally.httpErrors;
        fail(c, "answered HTTP " + std::to_string(head.status));
    }
}

void StreamSubscribers::onBody(BenchConnection &c, std::string_view data) {
    if (!c.sse.feed(data))
        fail(c, "the event stream was malformed");
}

void StreamSubscribers::onComplete(BenchConnection &c) {
    c.requestOpen = false;
    fail(c, "the server ended the event stream"); // a dropped subscriber
}

void StreamSubscribers::onPeerClosed(BenchConnection &c, bool clean) {
    if (c.fd < 0)
        return;
    fail(c, clean ? "the server closed the connection"
                  : "the connection broke (reset, or an answer that is not HTTP)");
}

} // namespace PushLab::Bench
