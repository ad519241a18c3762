#include "shortpollclient.h"

#include "clock.h"
#include "replyfailure.h"

#include <QtCore/QTimer>
#include <QtNetwork/QNetworkAccessManager>
#include <QtNetwork/QNetworkReply>

namespace {
// A short poll answers at once; anything slower than this is a stuck server.
constexpr int transferTimeoutMs = 10000;
} // namespace

ShortPollClient::ShortPollClient(QObject *parent)
    : PatternClient(PushLab::Pattern::ShortPoll, parent)
    , m_timer(new QTimer(this)) {
    m_timer->setTimerType(Qt::PreciseTimer);
    m_timer->setInterval(m_intervalMs);
    connect(m_timer, &QTimer::timeout, this, &ShortPollClient::poll);
    network()->setTransferTimeout(transferTimeoutMs);
}

ShortPollClient::~ShortPollClient() {
    discardReply(m_reply);
}

void ShortPollClient::setIntervalMs(int ms) {
    m_intervalMs = std::clamp(ms, minIntervalMs, maxIntervalMs);
    // QTimer::setInterval restarts a running timer: the next poll comes one new interval from now.
    m_timer->setInterval(m_intervalMs);
}

void ShortPollClient::startClient() {
    m_haveLastId = false;
    m_lastId = 0;
    m_timer->start();
    poll();
}

void ShortPollClient::stopClient() {
    m_timer->stop();
    discardReply(m_reply);
    m_reply = nullptr;
}

void ShortPollClient::poll() {
    if (m_reply) // the previous poll is still out: skip this tick rather than pile up
        return;
    const QString query = m_haveLastId ? QStringLiteral("since=%1").arg(m_lastId) : QString();
    const QUrl url = apiUrl(QStringLiteral("/api/messages"), query);
    m_reply = sendPoll(makeRequest(url), [this](QNetworkReply *reply, quint64 requestId) {
        onFinished(reply, requestId);
    });
}

void ShortPollClient::onFinished(QNetworkReply *reply, quint64 requestId) {
    reply->deleteLater();
    if (m_reply == reply)
        m_reply = nullptr;
    const auto got = readPollAnswer(reply, requestId, nullptr);
    if (!got)
        return; // the timer keeps polling: the server may come back
    TrafficEvent event = responseEvent(*got, requestId);
    if (const auto lastId = takeMessages(*got, &event)) {
        m_lastId = *lastId;
        m_haveLastId = true;
        emitEvent(event);
        return;
    }
    // A busy or restarting server: the timer keeps polling; anything else stopped the client.
    reportUnusableAnswer(event, *got, nullptr);
}
