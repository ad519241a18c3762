#pragma once

#include "statsreport.h"

#include <QtCore/QtGlobal>

#include <vector>

// What the event loops of one server say to each other (through their ServerGroup). Every
// call is thread-safe: it posts to the receiving loop's thread and returns at once. A loop
// that has shut down ignores what reaches it.
class ServerLoop {
public:
    // Another loop published: catch up on the next turn.
    virtual void wake() = 0;
    // Serve these connections, accepted by the listening loop.
    virtual void adoptConnections(std::vector<qintptr> descriptors) = 0;
    // Report (closing the streams first when asked) to `asker`, under `token`.
    virtual void requestReport(ServerLoop *asker, quint64 token, bool closeStreams) = 0;
    // A report asked for with requestReport, from loop `fromLoop`.
    virtual void takeReport(quint64 token, int fromLoop, StatsReport::Loop report) = 0;

protected:
    ~ServerLoop() = default;
};
