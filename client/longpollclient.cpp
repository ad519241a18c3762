#include "longpollclient.h"

#include "clock.h"
#include "replyfailure.h"
#include "wirecontract.h"

#include <QtCore/QTimer>
#include <QtNetwork/QNetworkAccessManager>
#include <QtNetwork/QNetworkReply>

namespace {
// The server holds a poll for `timeout` seconds; allow that plus slack before calling it dead.
constexpr int transferSlackMs = 10000;
} // namespace

LongPollClient::LongPollClient(QObject *parent)
    : PatternClient(PushLab::Pattern::LongPoll, parent)
    , m_retryTimer(new QTimer(this)) {
    m_retryTimer->setSingleShot(true);
    connect(m_retryTimer, &QTimer::timeout, this, &LongPollClient::poll);
}

LongPollClient::~LongPollClient() {
    discardReply(m_reply);
}

void LongPollClient::setTimeoutSeconds(int seconds) {
    m_timeoutSeconds = std::clamp(seconds, minTimeoutSeconds, maxTimeoutSeconds);
}

void LongPollClient::startClient() {
    m_haveLastId = false;
    m_lastId = 0;
    m_backoffMs = initialBackoffMs;
    poll();
}

void LongPollClient::stopClient() {
    m_retryTimer->stop();
    discardReply(m_reply);
    m_reply = nullptr;
}

void LongPollClient::poll() {
    if (!isRunning() || m_reply)
        return;
    QString query = QStringLiteral("timeout=%1").arg(m_timeoutSeconds);
    if (m_haveLastId)
        query = QStringLiteral("since=%1&").arg(m_lastId) + query;
    const QUrl url = apiUrl(QStringLiteral("/api/messages/wait"), query);
    QNetworkRequest request = makeRequest(url);
    request.setTransferTimeout(m_timeoutSeconds * 1000 + transferSlackMs);
    m_sentUs = PushLab::wallClockUs();
    m_reply = sendPoll(
        request, [this](QNetworkReply *reply, quint64 requestId) { onFinished(reply, requestId); });
}

void LongPollClient::onFinished(QNetworkReply *reply, quint64 requestId) {
    reply->deleteLater();
    if (m_reply == reply)
        m_reply = nullptr;
    QString failure;
    const auto got = readPollAnswer(reply, requestId, &failure);
    if (!got) {
        scheduleRetry(failure);
        return;
    }
    TrafficEvent event = responseEvent(*got, requestId);
    if (got->status == 204) {
        // A client that has not learned "now" yet takes it from the server's X-Last-Id, so a
        // message published before the next request is not missed.
        bool ok = false;
        const quint64 lastId = reply->rawHeader(PushLab::Wire::lastIdHeader).toULongLong(&ok);
        if (!m_haveLastId && ok) {
            m_lastId = lastId;
            m_haveLastId = true;
        }
        // Nothing within the timeout: ask again at once. A 204 long before the timeout means a
        // server that does not hold polls; back off instead of spinning.
        emitEvent(event);
        const qint64 heldUs = PushLab::wallClockUs() - m_sentUs;
        if (heldUs < qint64(m_timeoutSeconds) * 1000000 / 2) {
            scheduleRetry(QStringLiteral("204 after %1 ms, before the %2 s timeout")
                              .arg(heldUs / 1000)
                              .arg(m_timeoutSeconds));
            return;
        }
        m_backoffMs = initialBackoffMs;
        poll();
        return;
    }
    if (const auto lastId = takeMessages(*got, &event)) {
        m_lastId = *lastId;
        m_haveLastId = true;
        m_backoffMs = initialBackoffMs;
        emitEvent(event);
        poll();
        return;
    }
    QString why;
    if (reportUnusableAnswer(event, *got, &why))
        scheduleRetry(why);
}

void LongPollClient::scheduleRetry(const QString &why) {
    if (!isRunning())
        return;
    TrafficEvent event = makeEvent(TrafficEvent::Kind::ReconnectScheduled);
    event.delayMs = m_backoffMs;
    event.detail = why;
    emitEvent(event);
    m_retryTimer->start(m_backoffMs);
    m_backoffMs = std::min(m_backoffMs * 2, maxBackoffMs);
}
