#pragma once

#include <QtCore/QString>
#include <QtCore/QtGlobal>

// What a Link TrafficEvent's eventType says the network lab's link did.
namespace LinkEventType {
inline constexpr char drop[] = "drop";                  // the link ended every connection
inline constexpr char idleCut[] = "idle-cut";           // the idle-timeout proxy ended one
inline constexpr char stall[] = "stall";                // a lost segment was retransmitted
inline constexpr char proxyHold[] = "proxy-hold";       // the buffering proxy holds a stream
inline constexpr char proxyRelease[] = "proxy-release"; // ... and released it when full
} // namespace LinkEventType

// One direction of a simulated link (the network lab): what a byte pays to cross it.
struct LinkDirection {
    int latencyMs = 0;        // one way
    int jitterMs = 0;         // each chunk's delay varies by up to ± this (never reordered)
    qint64 bandwidthKbit = 0; // serialization limit; 0 = unlimited
};

// What the network lab's relay does to one lane's connections (LinkRelay). All zero is a
// transparent relay. Loss is emulated as TCP shows it to an application: nothing is lost,
// but a lost segment stalls its direction for a retransmission timeout.
struct LinkConditions {
    enum class DropMode { Reset, Close };

    LinkDirection down;          // server -> client
    LinkDirection up;            // client -> server
    double lossPercent = 0;      // per TCP segment (1448 bytes), each direction
    double dropEverySeconds = 0; // > 0: every connection is dropped on this schedule
    DropMode dropMode = DropMode::Reset;
    // > 0: a proxy holds each response's bytes until it has this many or the response ends
    // (a Content-Length reached, or the connection closed), as nginx's proxy_buffering does
    // for a server that does not opt out — this one ignores X-Accel-Buffering, as corporate
    // and antivirus proxies do. An upgraded connection (101) passes straight through.
    int bufferingProxyKiB = 0;
    double idleTimeoutSeconds = 0; // > 0: a proxy cuts a connection silent both ways this long

    int roundTripMs() const { return down.latencyMs + up.latencyMs; }
    // What one lost segment costs: Linux's RTO is about the RTT plus 200 ms at least.
    int retransmitStallMs() const { return roundTripMs() + 200; }
    // One line for a menu, a tooltip or `watch`: "RTT 170 ms · ↓ 9 Mbit/s · ↑ 9 Mbit/s · …".
    QString summary() const;
};
