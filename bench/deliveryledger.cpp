#include "deliveryledger.h"

#include <algorithm>

namespace PushLab::Bench {

DeliveryLedger::DeliveryLedger(int clients, int messages)
    : m_clients(std::max(clients, 0))
    , m_subscribed(m_clients)
    , m_messages(static_cast<std::size_t>(std::max(messages, 0)))
    , m_seen(static_cast<std::size_t>(m_clients) * m_messages.size(), 0) {}

void DeliveryLedger::recordPublish(int sequence, std::int64_t sentUs, std::int64_t scheduledUs) {
    if (sequence < 0 || static_cast<std::size_t>(sequence) >= m_messages.size())
        return;
    auto &m = m_messages[static_cast<std::size_t>(sequence)];
    if (m.sentUs < 0)
        ++m_published;
    m.sentUs = sentUs;
    m.scheduledUs = std::min(scheduledUs, sentUs);
}

void DeliveryLedger::cancelPublish(int sequence) {
    if (sequence < 0 || static_cast<std::size_t>(sequence) >= m_messages.size())
        return;
    auto &m = m_messages[static_cast<std::size_t>(sequence)];
    if (m.sentUs < 0)
        return;
    --m_published;
    m.sentUs = -1;
    // Deliveries of it that arrived anyway stay counted as received: they are not lost.
}

DeliveryLedger::Outcome DeliveryLedger::recordDelivery(int client, int sequence,
                                                       std::int64_t receivedUs) {
    if (client < 0 || client >= m_clients || sequence < 0 ||
        static_cast<std::size_t>(sequence) >= m_messages.size() ||
        m_messages[static_cast<std::size_t>(sequence)].sentUs < 0) {
        ++m_unknown;
        return Outcome::Unknown;
    }
    auto &seen = m_seen[static_cast<std::size_t>(client) * m_messages.size() +
                        static_cast<std::size_t>(sequence)];
    if (seen) {
        ++m_duplicates;
        return Outcome::Duplicate;
    }
    seen = 1;
    auto &m = m_messages[static_cast<std::size_t>(sequence)];
    ++m.deliveries;
    m.lastUs = std::max(m.lastUs, receivedUs);
    m_latencies.push_back(receivedUs - m.sentUs);
    m_scheduledLatencies.push_back(receivedUs - m.scheduledUs);
    ++m_received;
    return Outcome::Delivered;
}

std::int64_t DeliveryLedger::expected() const {
    return static_cast<std::int64_t>(m_published) * m_subscribed;
}

int DeliveryLedger::reachedEveryone() const {
    if (m_subscribed <= 0)
        return 0;
    return static_cast<int>(
        std::count_if(m_messages.begin(), m_messages.end(), [this](const auto &m) {
            return m.sentUs >= 0 && m.deliveries >= m_subscribed;
        }));
}

DurationSummary DeliveryLedger::deliveryLatency() const {
    auto copy = m_latencies;
    return DurationSummary::of(copy);
}

DurationSummary DeliveryLedger::scheduledLatency() const {
    auto copy = m_scheduledLatencies;
    return DurationSummary::of(copy);
}

DurationSummary DeliveryLedger::reachedEveryoneLatency() const {
    std::vector<std::int64_t> samples;
    for (const auto &m : m_messages) {
        if (m.sentUs >= 0 && m_subscribed > 0 && m.deliveries >= m_subscribed)
            samples.push_back(m.lastUs - m.sentUs);
    }
    return DurationSummary::of(samples);
}

DurationSummary DeliveryLedger::reachedEveryoneScheduledLatency() const {
    std::vector<std::int64_t> samples;
    for (const auto &m : m_messages) {
        if (m.sentUs >= 0 && m_subscribed > 0 && m.deliveries >= m_subscribed)
            samples.push_back(m.lastUs - m.scheduledUs);
    }
    return DurationSummary::of(samples);
}

DurationSummary DeliveryLedger::sendDelay() const {
    std::vector<std::int64_t> samples;
    for (const auto &m : m_messages) {
        if (m.sentUs >= 0)
            samples.push_back(m.sentUs - m.scheduledUs);
    }
    return DurationSummary::of(samples);
}

int DeliveryLedger::sentLate(std::int64_t delayUs) const {
    return static_cast<int>(std::count_if(m_messages.begin(), m_messages.end(), [&](const auto &m) {
        return m.sentUs >= 0 && m.sentUs - m.scheduledUs > delayUs;
    }));
}

int DeliveryLedger::sentAfter(std::int64_t untilUs) const {
    return static_cast<int>(std::count_if(m_messages.begin(), m_messages.end(), [&](const auto &m) {
        return m.sentUs >= 0 && m.sentUs > untilUs;
    }));
}

} // namespace PushLab::Bench
