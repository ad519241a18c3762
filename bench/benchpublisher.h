#pragma once

#include "benchconnection.h"
#include "benchoptions.h"
#include "connectionhandler.h"
#include "httptarget.h"

#include <string>

namespace PushLab::Bench {

class DeliveryLedger;
class MessageMarker;
class SocketLoop;

// The publisher: its own keep-alive connection, one numbered message at a time (the next waits
// for the previous answer). A message whose publish fails is taken out of the ledger.
class BenchPublisher final : public ConnectionHandler {
public:
    BenchPublisher(SocketLoop &loop, const MessageMarker &marker, DeliveryLedger &ledger,
                   HttpTarget target, BenchOptions::PublishMethod method);
    ~BenchPublisher() override;

    // Connects (if not connected); empty on success, otherwise why not.
    std::string open();
    // Publishes the next message now, unless the previous one is still unanswered (then this
    // one goes out late, on a later call).
    void publishNext();

    int nextSequence() const { return m_nextSequence; }
    bool isIdle() const { return !m_connection.requestOpen; }
    int errors() const { return m_errors; }

    void onRequestWritten(BenchConnection &) override {}
    void onBroken(BenchConnection &c, std::string_view why) override;
    void onPeerClosed(BenchConnection &c, bool clean) override;

private:
    void onComplete(BenchConnection &c);

    SocketLoop &m_loop;
    const MessageMarker &m_marker;
    DeliveryLedger &m_ledger;
    HttpTarget m_target;
    BenchOptions::PublishMethod m_method;
    BenchConnection m_connection;
    int m_nextSequence = 0;
    int m_errors = 0;
};

} // namespace PushLab::Bench
