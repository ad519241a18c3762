#pragma once

#include "serverstats.h"

#include <QtCore/QObject>
#include <QtCore/QPointer>
#include <QtCore/QUrl>

class QNetworkAccessManager;
class QNetworkReply;
class QTimer;

// Polls GET /api/stats every interval (one request at a time) for the window's server panel.
class StatsPoller final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StatsPoller)

public:
    explicit StatsPoller(QObject *parent = nullptr);
    ~StatsPoller() override;

    QUrl baseUrl() const { return m_baseUrl; }
    void setBaseUrl(const QUrl &url) { m_baseUrl = url; }
    bool isRunning() const;

    // Polls at once, then every intervalMs.
    void start(int intervalMs = 1000);
    void stop();

Q_SIGNALS:
    void statsUpdated(const ServerStats &stats);
    void unreachable(const QString &error);

private:
    void poll();

    QUrl m_baseUrl{QStringLiteral("http://127.0.0.1:8050")};
    QNetworkAccessManager *m_network = nullptr; // child of this
    QTimer *m_timer = nullptr;                  // child of this
    QPointer<QNetworkReply> m_reply;
};
