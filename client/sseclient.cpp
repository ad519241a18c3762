#include "sseclient.h"

#include "replyfailure.h"
#include "wirecontract.h"
#include "wireformat.h"

#include <QtCore/QLoggingCategory>
#include <QtCore/QTimer>
#include <QtNetwork/QNetworkAccessManager>
#include <QtNetwork/QNetworkReply>

#include <algorithm>

Q_LOGGING_CATEGORY(lcClientSse, "pushlab.client.sse", QtInfoMsg)

namespace {

QString mimeEssence(const QByteArray &contentType) {
    QByteArray essence = contentType;
    const qsizetype semicolon = essence.indexOf(';');
    if (semicolon >= 0)
        essence.truncate(semicolon);
    return QString::fromLatin1(essence.trimmed()).toLower();
}

} // namespace

SseClient::SseClient(QObject *parent)
    : PatternClient(PushLab::Pattern::ServerSentEvents, parent)
    , m_reconnectTimer(new QTimer(this))
    , m_silenceTimer(new QTimer(this)) {
    m_reconnectTimer->setSingleShot(true);
    connect(m_reconnectTimer, &QTimer::timeout, this, &SseClient::connectStream);
    m_silenceTimer->setSingleShot(true);
    m_silenceTimer->setInterval(silenceTimeoutMs());
    connect(m_silenceTimer, &QTimer::timeout, this, &SseClient::onSilence);
    // The stream never ends by design: no transfer timeout, our silence timer judges liveness.
    network()->setTransferTimeout(0);
}

SseClient::~SseClient() {
    discardReply(m_reply);
}

void SseClient::setStreamUrl(const QUrl &url) {
    m_streamUrl = url;
}

QUrl SseClient::effectiveStreamUrl() const {
    if (!m_streamUrl.isEmpty())
        return m_streamUrl;
    return apiUrl(QStringLiteral("/api/events"));
}

int SseClient::reconnectDelayMs() const {
    if (m_reconnectOverrideMs > 0)
        return m_reconnectOverrideMs;
    if (const auto retry = m_parser.reconnectionTimeMs())
        return int(std::min<qint64>(*retry, 24 * 3600 * 1000));
    return defaultReconnectDelayMs;
}

void SseClient::setReconnectDelayOverrideMs(int ms) {
    m_reconnectOverrideMs = std::max(0, ms);
}

int SseClient::silenceTimeoutMs() const {
    if (m_explicitSilenceTimeoutMs > 0)
        return m_explicitSilenceTimeoutMs;
    const int heartbeat =
        m_announcedHeartbeatMs > 0 ? m_announcedHeartbeatMs : m_assumedHeartbeatMs;
    return heartbeat * PushLab::Wire::missedHeartbeatsBeforeDead;
}

void SseClient::setSilenceTimeoutMs(int ms) {
    m_explicitSilenceTimeoutMs = std::max(0, ms);
    applySilenceTimeout();
}

void SseClient::setAssumedHeartbeatMs(int ms) {
    m_assumedHeartbeatMs =
        std::clamp(ms, PushLab::Wire::heartbeatMinMs, PushLab::Wire::heartbeatMaxMs);
    applySilenceTimeout();
}

void SseClient::applySilenceTimeout() {
    // Restarts the timer if it runs: the new limit counts from now.
    m_silenceTimer->setInterval(silenceTimeoutMs());
}

void SseClient::readAnnouncedHeartbeat(const QNetworkReply *reply) {
    bool ok = false;
    const int ms = reply->rawHeader(PushLab::Wire::heartbeatHeader).trimmed().toInt(&ok);
    // Clamped: a server cannot make us wait for hours, nor call a stream dead within milliseconds.
    m_announcedHeartbeatMs =
        ok && ms > 0 ? std::clamp(ms, PushLab::Wire::heartbeatMinMs, PushLab::Wire::heartbeatMaxMs)
                     : 0;
    applySilenceTimeout();
}

void SseClient::startClient() {
    connectStream();
}

void SseClient::stopClient() {
    m_reconnectTimer->stop();
    m_silenceTimer->stop();
    discardReply(m_reply);
    m_reply = nullptr;
    m_streamOpen = false;
    m_parser.restart();
    // Like the polling clients, a client started again watches from "now": replaying what was
    // missed while stopped is for reconnections (and for setLastEventId() before start()).
    m_parser.setLastEventId(QString());
}

void SseClient::connectStream() {
    if (!isRunning() || m_reply)
        return;
    m_parser.restart();
    m_streamOpen = false;
    // Each response announces its own heartbeat; until it does, the assumed one applies.
    m_announcedHeartbeatMs = 0;
    applySilenceTimeout();
    const QUrl url = effectiveStreamUrl();
    QNetworkRequest request = makeRequest(url);
    request.setRawHeader(QByteArrayLiteral("Accept"), QByteArrayLiteral("text/event-stream"));
    request.setRawHeader(QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("no-cache"));
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute,
                         QNetworkRequest::AlwaysNetwork);
    const QString lastId = m_parser.lastEventId();
    if (!lastId.isEmpty())
        request.setRawHeader(QByteArrayLiteral("Last-Event-ID"), lastId.toUtf8());
    m_requestId = nextRequestId();
    QNetworkReply *reply = network()->get(request);
    m_reply = reply;
    connect(reply, &QNetworkReply::metaDataChanged, this, [this, reply] { checkHeaders(reply); });
    connect(reply, &QNetworkReply::readyRead, this, [this, reply] { onReadyRead(reply); });
    connect(reply, &QNetworkReply::finished, this, [this, reply] { onFinished(reply); });
    // The connection attempt itself must not hang either.
    m_silenceTimer->start();

    TrafficEvent event = makeEvent(TrafficEvent::Kind::RequestSent);
    event.requestId = m_requestId;
    event.url = url.toString();
    event.lastEventId = lastId;
    emitEvent(event);
}

bool SseClient::checkHeaders(QNetworkReply *reply) {
    if (m_streamOpen)
        return true;
    const QVariant statusAttribute = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    if (!statusAttribute.isValid())
        return true; // headers not here yet
    const int status = statusAttribute.toInt();
    if (status >= 300 && status < 400)
        return true; // a redirect being followed
    QString refusal;
    if (status == 204)
        refusal = QStringLiteral("HTTP 204: the server asked the client to stop");
    else if (status != 200)
        refusal = QStringLiteral("HTTP %1: not an event stream").arg(status);
    else {
        const QString type = mimeEssence(reply->rawHeader(QByteArrayLiteral("Content-Type")));
        if (type != QLatin1String("text/event-stream"))
            refusal = QStringLiteral("Content-Type %1 is not text/event-stream")
                          .arg(type.isEmpty() ? QStringLiteral("(none)") : type);
    }
    if (!refusal.isEmpty()) {
        const QByteArray body = reply->bytesAvailable() > 0 ? reply->peek(4096) : QByteArray();
        const QString serverSays = PushLab::Wire::errorFromJson(body);
        if (!serverSays.isEmpty())
            refusal += QLatin1String(" (") + serverSays + QLatin1Char(')');
        TrafficEvent event = makeEvent(TrafficEvent::Kind::Error);
        event.requestId = m_requestId;
        event.status = status;
        event.bytes = headerBytes(reply) + reply->bytesAvailable();
        event.detail = refusal;
        emitEvent(event);
        qCDebug(lcClientSse) << "refusing the stream:" << refusal;
        // Aborting inside the reply's own signal emission makes QNAM report its error twice:
        // hear nothing more from this reply and stop from the event loop.
        QObject::disconnect(reply, nullptr, this, nullptr);
        QMetaObject::invokeMethod(
            this,
            [this, reply, refusal] {
                if (m_reply == reply)
                    stopForGood(refusal); // aborts and discards the reply
            },
            Qt::QueuedConnection);
        return false;
    }
    m_streamOpen = true;
    readAnnouncedHeartbeat(reply);
    m_silenceTimer->start();
    TrafficEvent event = makeEvent(TrafficEvent::Kind::StreamOpened);
    event.requestId = m_requestId;
    event.status = status;
    event.bytes = headerBytes(reply);
    event.lastEventId = m_parser.lastEventId();
    emitEvent(event);
    return true;
}

void SseClient::onReadyRead(QNetworkReply *reply) {
    if (reply != m_reply)
        return;
    if (!checkHeaders(reply))
        return;
    if (!m_streamOpen)
        return; // redirect body; not ours
    m_silenceTimer->start();
    const QByteArray chunk = reply->readAll();
    const QList<ServerSentEvent> events = m_parser.feed(chunk);
    for (const ServerSentEvent &event : events) {
        reportEvent(event);
        if (reply != m_reply)
            return; // a consumer stopped us
    }
    if (m_parser.overflowed()) {
        connectionLost(QStringLiteral("an event larger than %1 bytes")
                           .arg(EventStreamParser::defaultMaxEventBytes),
                       200, true);
    }
}

void SseClient::reportEvent(const ServerSentEvent &sse) {
    TrafficEvent event = makeEvent(TrafficEvent::Kind::EventReceived);
    event.requestId = m_requestId;
    event.status = 200;
    event.bytes = sse.bytes;
    event.eventType = sse.type;
    event.data = sse.data;
    event.lastEventId = sse.lastEventId;
    if (sse.type == QLatin1String(PushLab::Wire::messageEvent)) {
        if (auto message = PushLab::Wire::messageFromJson(sse.data.toUtf8()))
            event.messages.append(std::move(*message));
    } else if (sse.type == QLatin1String(PushLab::Wire::gapEvent)) {
        if (const auto gap = PushLab::Wire::gapFromJson(sse.data.toUtf8()))
            PushLab::Wire::applyGap(event, *gap);
    }
    emitEvent(event);
}

void SseClient::onFinished(QNetworkReply *reply) {
    if (reply != m_reply)
        return;
    if (!checkHeaders(reply))
        return;
    // Anything still buffered belongs to the stream.
    if (m_streamOpen && reply->bytesAvailable() > 0) {
        onReadyRead(reply);
        if (reply != m_reply)
            return;
    }
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    // A stream that ends is normal life for SSE (the browser reconnects too); only a failure to
    // connect or a broken transfer counts as an error.
    const bool closed = m_streamOpen && (reply->error() == QNetworkReply::NoError ||
                                         reply->error() == QNetworkReply::RemoteHostClosedError);
    if (closed)
        connectionLost(QStringLiteral("the server closed the stream"), status, false);
    else
        connectionLost(PushLab::Net::failureText(reply), status, true);
}

void SseClient::onSilence() {
    if (!m_reply)
        return;
    connectionLost(
        m_streamOpen
            ? QStringLiteral("no data for %1 ms (missed heartbeats): connection presumed dead")
                  .arg(silenceTimeoutMs())
            : QStringLiteral("no answer within %1 ms").arg(silenceTimeoutMs()),
        0, true);
}

void SseClient::connectionLost(const QString &why, int status, bool isError) {
    QNetworkReply *reply = m_reply;
    m_reply = nullptr;
    discardReply(reply);
    m_silenceTimer->stop();
    m_streamOpen = false;
    // Heartbeats and an unterminated event were received too: charge them here.
    qint64 unchargedBytes = m_parser.finish();

    if (isError) {
        TrafficEvent error = makeEvent(TrafficEvent::Kind::Error);
        error.requestId = m_requestId;
        error.status = status;
        error.bytes = std::exchange(unchargedBytes, 0);
        error.detail = why;
        error.lastEventId = m_parser.lastEventId();
        emitEvent(error);
    }
    if (!isRunning())
        return;
    const int delay = reconnectDelayMs();
    TrafficEvent event = makeEvent(TrafficEvent::Kind::ReconnectScheduled);
    event.requestId = m_requestId;
    event.status = status;
    event.bytes = unchargedBytes;
    event.delayMs = delay;
    event.detail = why;
    event.lastEventId = m_parser.lastEventId();
    emitEvent(event);
    m_reconnectTimer->start(delay);
}
