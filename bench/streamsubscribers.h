#pragma once

#include "subscribers.h"

namespace PushLab::Bench {

// SSE clients: each holds one event stream and is connected once the server answers 200.
// Deliveries are read from the stream as they come; a stream that ends or breaks is a dropped
// client (the bench measures a run, it does not reconnect).
class StreamSubscribers final : public Subscribers {
public:
    explicit StreamSubscribers(Context context);

    void onPeerClosed(BenchConnection &c, bool clean) override;

private:
    void installHandlers(BenchConnection &c) override;
    void writeRequest(BenchConnection &c) override;
    void onHead(BenchConnection &c, const HttpResponseParser::Head &head);
    void onBody(BenchConnection &c, std::string_view data);
    void onComplete(BenchConnection &c);
};

} // namespace PushLab::Bench
