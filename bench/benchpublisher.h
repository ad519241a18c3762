#pragma once

#include "benchconnection.h"
#include "benchoptions.h"
#include "connectionhandler.h"
#include "httptarget.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace PushLab::Bench {

class DeliveryLedger;
class MessageMarker;
class SocketLoop;

// The publisher: its own keep-alive connections (one by default), each carrying one numbered
// message at a time (the next on it waits for the previous answer). A message that is due goes
// out on any idle connection; with none idle it waits, and goes out late. A message whose
// publish fails is taken out of the ledger.
class BenchPublisher final : public ConnectionHandler {
public:
    BenchPublisher(SocketLoop &loop, const MessageMarker &marker, DeliveryLedger &ledger,
                   HttpTarget target, BenchOptions::PublishMethod method, int connections = 1);
    ~BenchPublisher() override;

    // Connects every connection not connected; empty on success, otherwise the first reason.
    std::string open();
    // Publishes the next message now on an idle connection, recorded as due at scheduledUs.
    // False (nothing done) when every connection still waits for an answer: the message goes
    // out late, on a later call. A connection that cannot be opened counts the message as an
    // error and moves on (true).
    bool publishNext(std::int64_t scheduledUs);

    int nextSequence() const { return m_nextSequence; }
    // No publish is waiting for its answer.
    bool isIdle() const;
    // A connection is free for the next message.
    bool canPublish() const;
    int errors() const { return m_errors; }
    int answered() const { return m_answered; } // 2xx answers
    int connections() const { return static_cast<int>(m_connections.size()); }
    // Most publishes waiting for their answers at one time.
    int mostInFlight() const { return m_mostInFlight; }

    void onRequestWritten(BenchConnection &) override {}
    void onBroken(BenchConnection &c, std::string_view why) override;
    void onPeerClosed(BenchConnection &c, bool clean) override;

private:
    std::string open(BenchConnection &c);
    void onComplete(BenchConnection &c);
    BenchConnection *idleConnection() const;

    SocketLoop &m_loop;
    const MessageMarker &m_marker;
    DeliveryLedger &m_ledger;
    HttpTarget m_target;
    BenchOptions::PublishMethod m_method;
    // unique_ptr: epoll events point at each connection, so it must not move.
    std::vector<std::unique_ptr<BenchConnection>> m_connections;
    int m_nextSequence = 0;
    int m_errors = 0;
    int m_answered = 0;
    int m_inFlight = 0;
    int m_mostInFlight = 0;
};

} // namespace PushLab::Bench
