#pragma once

#include "serverconfig.h"

#include <QtCore/QObject>
#include <QtCore/QThread>
#include <QtCore/QUrl>

class PushServer;

// Runs a PushServer on its own thread with its own event loop, so painting never delays a
// delivery and a flood of traffic never freezes the caller's thread. start() blocks until the
// server listens (or failed to); stop() closes every client and joins the thread.
class ServerHost final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ServerHost)

public:
    explicit ServerHost(const ServerConfig &config, QObject *parent = nullptr);
    ~ServerHost() override;

    bool start(QString *errorMessage = nullptr);
    void stop();
    bool isRunning() const { return m_server != nullptr; }

    quint16 port() const { return m_port; }
    // The URL a browser on this machine opens (loopback when bound to every address).
    QUrl url() const;
    const ServerConfig &config() const { return m_config; }

private:
    ServerConfig m_config;
    QThread m_thread;
    PushServer *m_server = nullptr; // lives in m_thread; created and deleted there
    quint16 m_port = 0;
};
