#include "loopmesh.h"

#include "servergroup.h"

#include <QtCore/QObject>

#include <unistd.h>

LoopMesh::LoopMesh(ServerGroup &group, QObject *context, Hooks hooks)
    : m_group(group)
    , m_context(context)
    , m_hooks(std::move(hooks))
    , m_loopIndex(group.join(this)) {}

bool LoopMesh::route(qintptr descriptor) {
    const int loop = m_group.leastBusyLoop();
    m_group.connectionAssigned(loop); // now, so the next connection of this round sees it
    if (loop == m_loopIndex)
        return false;
    m_handoffs[loop].push_back(descriptor); // handed over when the round ends
    return true;
}

void LoopMesh::flushHandoffs() {
    // The loops of a group are all deleted only after every one has shut down, and a loop
    // posts nothing once it has (ServerHost::stop), so every loop is alive here.
    for (auto &[index, descriptors] : std::exchange(m_handoffs, {}))
        m_group.loop(index)->adoptConnections(std::move(descriptors));
}

void LoopMesh::gather(QTcpSocket *socket, quint64 serial, bool closeStreams) {
    const int loops = m_group.loopCount();
    const quint64 token = ++m_nextToken;
    Gather &g = m_gathers[token];
    g.socket = socket;
    g.serial = serial;
    g.closeStreams = closeStreams;
    g.outstanding = loops;
    g.reports.resize(std::size_t(loops));
    for (int i = 0; i < loops; ++i) {
        if (i != m_loopIndex)
            m_group.loop(i)->requestReport(this, token, closeStreams);
    }
    collect(token, m_loopIndex, m_hooks.report(closeStreams));
}

void LoopMesh::collect(quint64 token, int fromLoop, StatsReport::Loop report) {
    const auto found = m_gathers.find(token);
    if (found == m_gathers.end())
        return;
    found->second.reports[std::size_t(fromLoop)] = std::move(report);
    if (--found->second.outstanding > 0)
        return;
    Gather done = std::move(found->second);
    m_gathers.erase(found);
    m_hooks.gathered(std::move(done));
}

void LoopMesh::shutdown() {
    for (const auto &[loop, descriptors] : std::exchange(m_handoffs, {})) {
        for (const qintptr descriptor : descriptors) {
            ::close(int(descriptor));
            m_group.connectionGone(loop);
        }
    }
    m_gathers.clear();
}

void LoopMesh::wake() {
    if (!m_newsPending.exchange(true)) {
        QMetaObject::invokeMethod(
            m_context,
            [this] {
                m_newsPending.store(false);
                m_hooks.catchUp();
            },
            Qt::QueuedConnection);
    }
}

void LoopMesh::adoptConnections(std::vector<qintptr> descriptors) {
    QMetaObject::invokeMethod(
        m_context, [this, descriptors = std::move(descriptors)] { m_hooks.adopt(descriptors); },
        Qt::QueuedConnection);
}

void LoopMesh::requestReport(ServerLoop *asker, quint64 token, bool closeStreams) {
    // A loop that has shut down answers nothing, but then the whole server is stopping and
    // the asker too.
    QMetaObject::invokeMethod(
        m_context,
        [this, asker, token, closeStreams] {
            if (!m_hooks.shutDown())
                asker->takeReport(token, m_loopIndex, m_hooks.report(closeStreams));
        },
        Qt::QueuedConnection);
}

void LoopMesh::takeReport(quint64 token, int fromLoop, StatsReport::Loop report) {
    QMetaObject::invokeMethod(
        m_context,
        [this, token, fromLoop, report = std::move(report)]() mutable {
            collect(token, fromLoop, std::move(report));
        },
        Qt::QueuedConnection);
}
