#pragma once

#include "durationsummary.h"

#include <cstdint>
#include <vector>

namespace PushLab::Bench {

// The accounting of a run: which client received which message when. Expected deliveries are
// every published message times every client that was connected when publishing began, so a
// client that drops out shows up as loss, never as a smaller denominator.
class DeliveryLedger final {
public:
    enum class Outcome { Delivered, Duplicate, Unknown };

    DeliveryLedger(int clients, int messages);

    void setSubscribedClients(int clients) { m_subscribed = clients; }
    void recordPublish(int sequence, std::int64_t sentUs) {
        recordPublish(sequence, sentUs, sentUs);
    }
    // scheduledUs: when the message was due (the run's start + sequence / rate). A publisher
    // that falls behind sends late; latencies from the schedule show that backlog, latencies
    // from the send hide it (coordinated omission).
    void recordPublish(int sequence, std::int64_t sentUs, std::int64_t scheduledUs);
    // The publish failed (error answer, broken connection): the message is not expected.
    void cancelPublish(int sequence);
    Outcome recordDelivery(int client, int sequence, std::int64_t receivedUs);

    int published() const { return m_published; }
    std::int64_t expected() const;
    std::int64_t received() const { return m_received; }
    std::int64_t lost() const { return expected() - m_received; }
    std::int64_t duplicates() const { return m_duplicates; }
    std::int64_t unknown() const { return m_unknown; }
    // Messages that every subscribed client received.
    int reachedEveryone() const;

    // Receive time minus publish send time, one sample per delivery.
    DurationSummary deliveryLatency() const;
    // Receive time minus the message's scheduled time, one sample per delivery.
    DurationSummary scheduledLatency() const;
    // Per message that reached everyone: its last delivery minus its send time.
    DurationSummary reachedEveryoneLatency() const;
    // ... minus its scheduled time.
    DurationSummary reachedEveryoneScheduledLatency() const;
    // Per published message: send time minus scheduled time (the publisher's own lateness).
    DurationSummary sendDelay() const;
    // Published messages sent more than delayUs after their scheduled time.
    int sentLate(std::int64_t delayUs) const;
    // Published messages sent after untilUs (the end of the publish phase's schedule).
    int sentAfter(std::int64_t untilUs) const;

private:
    struct Message {
        std::int64_t sentUs = -1;
        std::int64_t scheduledUs = -1;
        int deliveries = 0;
        std::int64_t lastUs = 0;
    };

    int m_clients = 0;
    int m_subscribed = 0;
    int m_published = 0;
    std::vector<Message> m_messages;
    std::vector<std::uint8_t> m_seen;               // client * messages + sequence
    std::vector<std::int64_t> m_latencies;          // from the send
    std::vector<std::int64_t> m_scheduledLatencies; // from the schedule
    std::int64_t m_received = 0;
    std::int64_t m_duplicates = 0;
    std::int64_t m_unknown = 0;
};

} // namespace PushLab::Bench
