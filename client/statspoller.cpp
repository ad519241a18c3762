#include "statspoller.h"

#include "replyfailure.h"
#include "wireformat.h"

#include <QtCore/QTimer>
#include <QtNetwork/QNetworkAccessManager>
#include <QtNetwork/QNetworkReply>

namespace {
constexpr int transferTimeoutMs = 5000;
} // namespace

StatsPoller::StatsPoller(QObject *parent)
    : QObject(parent)
    , m_network(new QNetworkAccessManager(this))
    , m_timer(new QTimer(this)) {
    m_network->setTransferTimeout(transferTimeoutMs);
    connect(m_timer, &QTimer::timeout, this, &StatsPoller::poll);
}

StatsPoller::~StatsPoller() {
    if (m_reply) {
        QObject::disconnect(m_reply, nullptr, this, nullptr);
        m_reply->abort();
    }
}

bool StatsPoller::isRunning() const {
    return m_timer->isActive();
}

void StatsPoller::start(int intervalMs) {
    m_timer->start(std::max(50, intervalMs));
    poll();
}

void StatsPoller::stop() {
    m_timer->stop();
    if (m_reply) {
        QObject::disconnect(m_reply, nullptr, this, nullptr);
        m_reply->abort();
        m_reply->deleteLater();
        m_reply = nullptr;
    }
}

void StatsPoller::poll() {
    if (m_reply)
        return; // one at a time: a slow server must not collect a queue of stats requests
    const QUrl url = PushLab::Wire::apiUrl(m_baseUrl, QStringLiteral("/api/stats"));
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::UserAgentHeader,
                      QByteArrayLiteral("PushLab/" PUSHLAB_VERSION " (stats)"));
    QNetworkReply *reply = m_network->get(request);
    m_reply = reply;
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        reply->deleteLater();
        if (m_reply == reply)
            m_reply = nullptr;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status == 0) {
            Q_EMIT unreachable(PushLab::Net::failureText(reply));
            return;
        }
        const QByteArray body = PushLab::Net::readBody(reply);
        if (status != 200) {
            Q_EMIT unreachable(
                QStringLiteral("HTTP %1 from %2").arg(status).arg(reply->url().toString()));
            return;
        }
        if (auto stats = ServerStats::fromJson(body))
            Q_EMIT statsUpdated(*stats);
        else
            Q_EMIT unreachable(
                QStringLiteral("%1 is not a PushLab stats answer").arg(reply->url().toString()));
    });
}
