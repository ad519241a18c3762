#pragma once

#include "latencysummary.h"
#include "pattern.h"
#include "trafficevent.h"

#include <QtCore/QList>
#include <QtCore/QString>
#include <QtCore/QStringList>
#include <QtCore/QUrl>

// How `pushlab-cli watch` writes what it sees: one line per traffic event, a summary at the end.
// Text for people (TextWatchPrinter), JSON lines for scripts (JsonWatchPrinter).
class WatchPrinter {
public:
    struct Lane {
        PushLab::Pattern pattern = PushLab::Pattern::ShortPoll;
        LatencySummary total;
        QString stopReason; // set when the client stopped on its own
    };
    struct Summary {
        QUrl url;
        bool streamUrlGiven = false; // the URL is an event stream, not a server origin
        QString link; // through the network lab: "4G: RTT 170 ms · …"; empty without
        qint64 elapsedUs = 0;
        QList<Lane> lanes; // the watched patterns, in allPatterns order
    };

    virtual ~WatchPrinter() = default;

    virtual QString eventLine(const TrafficEvent &event) const = 0;
    virtual QStringList summaryLines(const Summary &summary) const = 0;

protected:
    WatchPrinter() = default;
    WatchPrinter(const WatchPrinter &) = default;
    WatchPrinter &operator=(const WatchPrinter &) = default;
};
