#pragma once

#include "linkconditions.h"
#include "pattern.h"
#include "shortpollclient.h"
#include "wirecontract.h"

#include <QtCore/QString>
#include <QtCore/QStringList>
#include <QtCore/QUrl>

#include <optional>
#include <vector>

// `pushlab-cli watch`'s command line, checked: which clients, their settings, when to stop.
struct WatchOptions {
    std::vector<PushLab::Pattern> patterns; // in allPatterns order
    int intervalMs = ShortPollClient::defaultIntervalMs;
    int timeoutSeconds = PushLab::Wire::longPollDefaultTimeoutS;
    double durationSeconds = 0; // 0: until Ctrl-C
    qint64 count = 0;           // 0: no count
    bool json = false;
    QUrl url;
    bool streamUrlGiven = false; // --pattern sse with a URL path: subscribe to exactly that URL
    std::optional<LinkConditions> link; // set: every client goes through the network lab
    QString linkName;                   // the preset's name, or "custom"

    struct Parsed;
    static Parsed parse(const QStringList &arguments);
};

struct WatchOptions::Parsed {
    std::optional<WatchOptions> options; // set when the watch should run
    QString helpText;                    // set for --help (exit 0)
    QString error;                       // set for a usage error (exit 2)
};
