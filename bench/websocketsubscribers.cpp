#include "websocketsubscribers.h"

#include "benchclock.h"
#include "crowdtally.h"
#include "requestwriter.h"
#include "socketloop.h"

namespace PushLab::Bench {

WebSocketSubscribers::WebSocketSubscribers(Context context)
    : Subscribers(std::move(context)) {}

void WebSocketSubscribers::installHandlers(BenchConnection &c) {
    BenchConnection *conn = &c;
    // After the 101 the parser hands every byte over as body: the frames.
    c.parser.setHandlers(
        [this, conn](const HttpResponseParser::Head &head) { onHead(*conn, head); },
        [this, conn](std::string_view data) {
            if (!conn->ws.feed(data))
                fail(*conn, "the WebSocket sent a malformed frame");
        },
        [this, conn]() { fail(*conn, "the server ended the WebSocket"); });
    c.ws.reset();
    c.ws.setHandlers(
        [this, conn](std::string_view payload) { recordDeliveries(*conn, payload, monotonicUs()); },
        [this, conn](std::string_view payload) { pong(*conn, payload); },
        [this, conn](int code) {
            fail(*conn, "the server closed the WebSocket (" + std::to_string(code) + ")");
        });
}

void WebSocketSubscribers::writeRequest(BenchConnection &c) {
    RequestWriter::webSocket(c.out, targetOf(c));
}

void WebSocketSubscribers::onHead(BenchConnection &c, const HttpResponseParser::Head &head) {
    c.httpStatus = head.status;
    if (head.status == 101) {
        markSubscribed(c);
    } else {
        ++m_context.tally.httpErrors;
        fail(c, "answered HTTP " + std::to_string(head.status) + ", not 101");
    }
}

void WebSocketSubscribers::pong(BenchConnection &c, std::string_view payload) {
    if (c.fd < 0)
        return;
    c.out += clientFrame(0xA, payload, m_masks());
    if (!m_context.loop.flush(c))
        fail(c, "writing a pong failed");
}

void WebSocketSubscribers::onPeerClosed(BenchConnection &c, bool clean) {
    if (c.fd < 0)
        return;
    fail(c, clean ? "the server closed the connection" : "the connection broke");
}

} // namespace PushLab::Bench
