#pragma once

// Test helper: everything one pattern client emitted, and the statistics over it.

#include "latencystats.h"
#include "patternclient.h"
#include "trafficevent.h"

#include <QtCore/QList>
#include <QtCore/QObject>

#include <algorithm>

namespace PushLab::Test {

class Recorder final : public QObject {
    Q_DISABLE_COPY_MOVE(Recorder)

public:
    explicit Recorder(PatternClient *client)
        : QObject(client) {
        connect(client, &PatternClient::trafficEvent, this, &Recorder::add);
    }

    void add(const TrafficEvent &event) {
        events.append(event);
        stats.add(event);
        for (const DeliveredMessage &m : event.messages)
            messages.append(m);
    }

    int count(TrafficEvent::Kind kind) const {
        return int(std::count_if(events.cbegin(), events.cend(),
                                 [kind](const TrafficEvent &e) { return e.kind == kind; }));
    }
    QList<TrafficEvent> ofKind(TrafficEvent::Kind kind) const {
        QList<TrafficEvent> out;
        for (const TrafficEvent &e : events) {
            if (e.kind == kind)
                out.append(e);
        }
        return out;
    }

    QList<TrafficEvent> events;
    QList<DeliveredMessage> messages;
    LatencyStats stats;
};

} // namespace PushLab::Test
