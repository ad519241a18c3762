#pragma once

#include "trafficevent.h"

#include <QtCore/QObject>
#include <QtCore/QUrl>

class QNetworkAccessManager;

// Publishes messages with POST /api/messages ({"text": ...}); each publish answers with
// exactly one published() or failed().
class Publisher final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Publisher)

public:
    static constexpr int defaultTimeoutMs = 10000;

    explicit Publisher(QObject *parent = nullptr);
    ~Publisher() override;

    QUrl baseUrl() const { return m_baseUrl; }
    void setBaseUrl(const QUrl &url) { m_baseUrl = url; }
    void setTimeoutMs(int ms) { m_timeoutMs = ms; }
    int pendingCount() const { return m_pending; }

    void publish(const QString &text);

Q_SIGNALS:
    void published(const DeliveredMessage &message);
    void failed(const QString &error);

private:
    QUrl m_baseUrl{QStringLiteral("http://127.0.0.1:8050")};
    QNetworkAccessManager *m_network = nullptr; // child of this
    int m_timeoutMs = defaultTimeoutMs;
    int m_pending = 0;
};
