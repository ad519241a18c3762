#pragma once

#include "serverloop.h"
#include "statsreport.h"

#include <QtCore/QtGlobal>

#include <atomic>
#include <functional>
#include <map>
#include <optional>
#include <unordered_map>
#include <vector>

class QObject;
class QTcpSocket;
class ServerGroup;

// One loop's dealings with the other loops of its server: it is the loop's ServerLoop in the
// group. It hands new connections to the least busy loop (one batch per round of accepting),
// takes in the others' wake-ups and hand-overs, and gathers every loop's report for
// GET /api/stats and POST /api/streams/close. Everything the other loops call is posted to
// this loop's thread (the context object's), where the hooks run.
class LoopMesh final : public ServerLoop {
public:
    // A gathering: who asked, and the reports (by loop index).
    struct Gather {
        QTcpSocket *socket = nullptr;
        quint64 serial = 0; // of the asker's connection
        bool closeStreams = false;
        int outstanding = 0;
        std::vector<StatsReport::Loop> reports;
    };
    struct Hooks {
        std::function<void()> catchUp;                   // another loop published
        std::function<void(std::vector<qintptr>)> adopt; // connections handed over
        std::function<StatsReport::Loop(bool)> report;   // (closeStreams first)
        std::function<void(Gather)> gathered;            // every loop has reported
        std::function<bool()> shutDown;                  // nothing more is answered
    };
    // Joins the group (before any loop runs).
    LoopMesh(ServerGroup &group, QObject *context, Hooks hooks);

    int loopIndex() const { return m_loopIndex; }

    // For a connection just accepted: true when another loop takes it (after flushHandoffs).
    bool route(qintptr descriptor);
    void flushHandoffs();
    // Asks every loop for its report (this one at once); `gathered` runs when all have.
    void gather(QTcpSocket *socket, quint64 serial, bool closeStreams);
    // Shutting down: the connections accepted for other loops but not handed over end here.
    void shutdown();

    // ServerLoop: called from the other loops' threads.
    void wake() override;
    void adoptConnections(std::vector<qintptr> descriptors) override;
    void requestReport(ServerLoop *asker, quint64 token, bool closeStreams) override;
    void takeReport(quint64 token, int fromLoop, StatsReport::Loop report) override;

private:
    void collect(quint64 token, int fromLoop, StatsReport::Loop report);

    ServerGroup &m_group;
    QObject *m_context = nullptr;
    Hooks m_hooks;
    const int m_loopIndex;
    std::atomic<bool> m_newsPending{false};
    std::map<int, std::vector<qintptr>> m_handoffs; // accepted for other loops, this round
    std::unordered_map<quint64, Gather> m_gathers;
    quint64 m_nextToken = 0;
};
