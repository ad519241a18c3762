#pragma once

#include "serverconfig.h"

#include <QtCore/QObject>
#include <QtCore/QThread>
#include <QtCore/QUrl>

#include <memory>
#include <vector>

class PushServer;

// Runs the push server on threads of its own, one event loop each (config.threads of them,
// all serving one port and one history; see PushServer and ServerGroup), so painting never
// delays a delivery and a flood of traffic never freezes the caller's thread. start() blocks
// until the server listens (or failed to); stop() closes every client and joins the threads.
class ServerHost final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ServerHost)

public:
    explicit ServerHost(const ServerConfig &config, QObject *parent = nullptr);
    ~ServerHost() override;

    bool start(QString *errorMessage = nullptr);
    void stop();
    bool isRunning() const { return !m_loops.empty(); }
    int threadCount() const { return int(m_loops.size()); }

    quint16 port() const { return m_port; }
    // The URL a browser on this machine opens (loopback when bound to every address).
    QUrl url() const;
    const ServerConfig &config() const { return m_config; }

private:
    ServerConfig m_config;
    // One thread per loop; each loop lives in its thread, created and deleted there.
    std::vector<std::unique_ptr<QThread>> m_threads;
    std::vector<PushServer *> m_loops;
    quint16 m_port = 0;
};
