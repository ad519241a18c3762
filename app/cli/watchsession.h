#pragma once

#include "latencystats.h"
#include "patternclient.h"
#include "watchoptions.h"
#include "watchprinter.h"

#include <QtCore/QEventLoop>
#include <QtCore/QObject>

#include <memory>

class LinkLab;

// One run of `pushlab-cli watch`: the chosen pattern clients against one URL, every traffic event
// printed as it happens, until Ctrl-C / SIGTERM, --duration, --count, or nothing is left to
// watch; then the summary.
class WatchSession final {
public:
    WatchSession(WatchOptions options, std::unique_ptr<WatchPrinter> printer);
    ~WatchSession();
    WatchSession(const WatchSession &) = delete;
    WatchSession &operator=(const WatchSession &) = delete;

    // Runs the event loop until the watch ends; returns the exit code (0 done, 1 failed).
    int run();

private:
    struct Lane {
        std::unique_ptr<PatternClient> client;
        LatencyStats stats;
        QString stopReason; // set when the client stopped on its own
        qint64 delivered = 0;
    };

    std::unique_ptr<Lane> makeLane(PushLab::Pattern pattern);
    void onEvent(Lane &lane, const TrafficEvent &event);
    void countDelivery(Lane &lane, const TrafficEvent &event);
    bool allLanes(bool (*test)(const Lane &, qint64 count)) const;
    // Ends the watch from the event loop (a client may be inside its own signal).
    void finishSoon(int exitCode, const QString &fatal = {});
    void finish(int exitCode);
    WatchPrinter::Summary summary() const;

    bool startLink();

    WatchOptions m_options;
    std::unique_ptr<LinkLab> m_lab; // with --link: the clients' way to the server
    std::unique_ptr<WatchPrinter> m_printer;
    PushLab::PatternMap<std::unique_ptr<Lane>> m_lanes; // null: not watched
    QObject m_context;                                  // connection context: dies with us
    QEventLoop m_loop;
    qint64 m_startUs = 0;
    bool m_finished = false;
    bool m_streamEverOpened = false;
    int m_exitCode = 0;
    QString m_fatal;
};
