#pragma once

#include "linkconditions.h"

#include <QtCore/QRandomGenerator>

// The network lab's timing: when bytes handed to a link reach its other end. One per relay
// (a lane's link), shared by its connections, so they share its bandwidth. A value type
// with no sockets, so the maths is tested on its own (tst_linkschedule).
class LinkSchedule final {
public:
    enum class Way { Down, Up };                 // server -> client, client -> server
    static constexpr qint64 segmentBytes = 1448; // TCP payload per segment on Ethernet

    explicit LinkSchedule(quint32 seed = 1)
        : m_random(seed) {}

    const LinkConditions &conditions() const { return m_conditions; }
    void setConditions(const LinkConditions &conditions) { m_conditions = conditions; }

    struct Slot {
        qint64 dueUs = 0;   // when the bytes are handed on
        qint64 stallUs = 0; // > 0: a segment was lost and retransmitted, this much later
    };
    // For bytes that arrived at nowUs: serialized behind what the link already carries that
    // way, then latency ± jitter, plus a stall per lost segment; never before notBeforeUs
    // (the connection's previous chunk: TCP keeps order).
    Slot schedule(Way way, qint64 bytes, qint64 nowUs, qint64 notBeforeUs);

    // The relay's clock: monotonic microseconds.
    static qint64 nowUs();

private:
    const LinkDirection &direction(Way way) const {
        return way == Way::Down ? m_conditions.down : m_conditions.up;
    }

    LinkConditions m_conditions;
    QRandomGenerator m_random;
    qint64 m_linkFreeUs[2]{}; // when each way has sent what it holds
};
