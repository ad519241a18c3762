#pragma once

#include "durationsummary.h"

#include <QtCore/QJsonObject>
#include <QtCore/QString>

#include <cstdint>
#include <vector>

namespace PushLab::Bench {

// What one bench run measured; printed for people (toText) or machines (toJson).
struct BenchResult final {
    QString pattern; // "sse" / "long" / "short"
    QString subscribeUrl;
    QString publishUrl;

    int clientsRequested = 0;
    int connected = 0;         // clients subscribed when publishing began
    int connectFailures = 0;   // refused, reset, timed out or answered with an error
    int dropped = 0;           // subscribed, then closed by the server mid-run
    QString firstFailure;      // why the first failed client failed ("connect: Connection refused")
    QString firstDrop;         // why the first dropped client was dropped
    int reconnects = 0;        // polls re-opened after the server closed a keep-alive connection
    double connectSeconds = 0; // first attempt → last client subscribed
    bool allConnected = false;
    // Per client, first attempt → subscribed, µs: a tail near 1 s or 3 s means SYNs were
    // dropped (listen backlog full) and retransmitted.
    DurationSummary connectLatency;

    int messagesRequested = 0;
    int published = 0;
    int publishErrors = 0;
    std::int64_t expected = 0;
    std::int64_t received = 0;
    std::int64_t lost = 0;
    std::int64_t duplicates = 0;
    std::int64_t unknown = 0;
    int reachedEveryone = 0;
    // Latencies from the publish request's send time: what the server took once asked. A
    // publisher that falls behind sends late, and these hide that backlog.
    DurationSummary latency;    // per delivery, µs
    DurationSummary reachedAll; // per message that reached every client, µs
    // The same from each message's scheduled time (publish start + sequence / rate): what a
    // reader waiting for a message that was due sees, including the publisher's backlog.
    DurationSummary latencyFromSchedule;
    DurationSummary reachedAllFromSchedule;

    // The publish schedule: messagesRequested due over scheduleSeconds (messages / rate).
    int publishConnections = 1;
    double scheduleSeconds = 0;
    int answered = 0;              // publishes answered 2xx
    int sentLate = 0;              // sent more than lateThresholdMs after their scheduled time
    int sentAfterSchedule = 0;     // sent after the schedule had ended (a backlog)
    int notSent = 0;               // never sent (the run ended first)
    int mostPublishesInFlight = 0; // most publishes waiting for their answers at once
    DurationSummary sendDelay;     // per published message: sent − scheduled, µs
    static constexpr int lateThresholdMs = 10;

    std::int64_t requests = 0;      // subscribe/poll requests sent during the whole run
    std::int64_t phaseRequests = 0; // ... during the publish phase
    double phaseSeconds = 0;
    double requestsPerSecond = 0; // completed answers per second in the publish phase
    std::int64_t httpErrors = 0;  // answers with a status the pattern does not expect

    bool serverSampled = false;
    std::vector<int> serverPids;
    double cpuConnectSeconds = 0; // server CPU time while clients connected (and settled)
    double cpuPublishSeconds = 0; // server CPU time during the publish phase
    double idleSeconds = 0;       // --idle: clients held with nothing published ...
    double cpuIdleSeconds = 0;    // ... and the server's CPU time meanwhile
    std::int64_t rssBeforeKiB = 0;
    std::int64_t rssConnectedKiB = 0;
    double rssPerConnectionKiB = 0;

    // The load generator's own CPU time: near elapsed seconds means it, not the server, was
    // the limit (one thread: at most one core).
    double benchCpuSeconds = 0;
    double elapsedSeconds = 0;
    bool timedOut = false; // --duration-limit cut the run short
    QString note;          // why a run stopped early, if it did

    QJsonObject toJson() const;
    QString toText() const;
};

} // namespace PushLab::Bench
