#pragma once

#include "pattern.h"

#include <QtCore/QObject>
#include <QtCore/QUrl>

class QProcess;

// A crowd of simulated clients per pattern, held by `pushlab-cli bench` in a process of its
// own (raw sockets, one epoll loop), so thousands of clients never touch the window's event
// loop. The window shows what each crowd costs the server through /api/stats.
class CrowdController final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CrowdController)

public:
    static constexpr int maxClients = 10000;
    static constexpr int holdSeconds = 3540; // a crowd left running ends by itself within the hour

    explicit CrowdController(QObject *parent = nullptr);
    ~CrowdController() override;

    void setBaseUrl(const QUrl &url);
    QUrl baseUrl() const { return m_baseUrl; }
    // pushlab-cli next to the running program unless told otherwise.
    void setCliPath(const QString &path) { m_cliPath = path; }
    QString cliPath() const { return m_cliPath; }
    static QString defaultCliPath();

    // Holds `clients` simulated clients of `pattern` (0 ends the crowd). Short pollers ask
    // every `shortPollIntervalMs`. Replaces a running crowd of that pattern.
    void setCrowd(PushLab::Pattern pattern, int clients, int shortPollIntervalMs = 1000);
    int clients(PushLab::Pattern pattern) const { return m_clients[pattern]; }
    bool isRunning(PushLab::Pattern pattern) const;
    void stopAll();

Q_SIGNALS:
    void crowdChanged(PushLab::Pattern pattern, int clients);
    void failed(PushLab::Pattern pattern, const QString &error);

private:
    void stop(PushLab::Pattern pattern);

    QUrl m_baseUrl;
    QString m_cliPath;
    PushLab::PatternMap<QProcess *> m_processes; // children
    PushLab::PatternMap<int> m_clients;
};
