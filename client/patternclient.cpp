#include "patternclient.h"

#include "clock.h"
#include "replyfailure.h"
#include "wireformat.h"

#include <QtNetwork/QNetworkAccessManager>
#include <QtNetwork/QNetworkReply>
#include <QtNetwork/QNetworkRequest>

PatternClient::PatternClient(PushLab::Pattern pattern, QObject *parent)
    : QObject(parent)
    , m_pattern(pattern)
    , m_network(new QNetworkAccessManager(this)) {
    // Redirects are followed (WHATWG does for event streams), but never to a less safe scheme.
    m_network->setRedirectPolicy(QNetworkRequest::NoLessSafeRedirectPolicy);
}

PatternClient::~PatternClient() = default;

void PatternClient::setBaseUrl(const QUrl &url) {
    m_baseUrl = url;
}

QByteArray PatternClient::userAgent() const {
    return QByteArrayLiteral("PushLab/" PUSHLAB_VERSION " (") +
           PushLab::patternKey(m_pattern).toLatin1() + ')';
}

void PatternClient::start() {
    if (m_running)
        return;
    setRunning(true, {});
    startClient();
}

void PatternClient::stop() {
    if (!m_running)
        return;
    stopClient();
    setRunning(false, QStringLiteral("stopped"));
}

void PatternClient::stopForGood(const QString &reason) {
    if (!m_running)
        return;
    stopClient();
    setRunning(false, reason);
}

void PatternClient::setRunning(bool running, const QString &reason) {
    m_running = running;
    if (!running) {
        TrafficEvent event = makeEvent(TrafficEvent::Kind::Stopped);
        event.detail = reason;
        emitEvent(event);
    }
    Q_EMIT runningChanged(running);
}

QNetworkRequest PatternClient::makeRequest(const QUrl &url) const {
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::UserAgentHeader, userAgent());
    // Every byte is counted; a compressed body would hide the pattern's real cost.
    request.setRawHeader(QByteArrayLiteral("Accept-Encoding"), QByteArrayLiteral("identity"));
    return request;
}

QNetworkReply *PatternClient::sendPoll(const QNetworkRequest &request,
                                       std::function<void(QNetworkReply *, quint64)> onFinished) {
    const quint64 requestId = nextRequestId();
    QNetworkReply *reply = network()->get(request);
    connect(
        reply, &QNetworkReply::finished, this,
        [reply, requestId, onFinished = std::move(onFinished)] { onFinished(reply, requestId); });
    TrafficEvent event = makeEvent(TrafficEvent::Kind::RequestSent);
    event.requestId = requestId;
    event.url = request.url().toString();
    emitEvent(event);
    return reply;
}

std::optional<PatternClient::HttpAnswer>
PatternClient::readPollAnswer(QNetworkReply *reply, quint64 requestId, QString *failure) {
    HttpAnswer answer;
    answer.body = PushLab::Net::readBody(reply);
    answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    answer.bytes = headerBytes(reply) + answer.body.size();
    if (reply->error() != QNetworkReply::NoError && answer.status == 0) {
        TrafficEvent event = makeEvent(TrafficEvent::Kind::Error);
        event.requestId = requestId;
        event.detail = PushLab::Net::failureText(reply);
        emitEvent(event);
        if (failure)
            *failure = event.detail;
        return std::nullopt;
    }
    return answer;
}

TrafficEvent PatternClient::responseEvent(const HttpAnswer &answer, quint64 requestId) const {
    TrafficEvent event = makeEvent(TrafficEvent::Kind::ResponseReceived);
    event.requestId = requestId;
    event.status = answer.status;
    event.bytes = answer.bytes;
    return event;
}

std::optional<quint64> PatternClient::takeMessages(const HttpAnswer &answer, TrafficEvent *event) {
    if (answer.status != 200)
        return std::nullopt;
    const auto poll = PushLab::Wire::pollAnswerFromJson(answer.body);
    if (!poll)
        return std::nullopt;
    event->messages = poll->messages;
    if (poll->gap)
        PushLab::Wire::applyGap(*event, *poll->gap);
    return poll->lastId;
}

bool PatternClient::reportUnusableAnswer(TrafficEvent response, const HttpAnswer &answer,
                                         QString *why) {
    QString reason = PushLab::Wire::errorFromJson(answer.body);
    if (reason.isEmpty())
        reason = answer.status == 200
                     ? QStringLiteral("not a PushLab answer (expected messages JSON)")
                     : QStringLiteral("HTTP %1").arg(answer.status);
    response.detail = reason;
    emitEvent(response);

    TrafficEvent error = makeEvent(TrafficEvent::Kind::Error);
    error.requestId = response.requestId;
    error.status = answer.status;
    error.detail = reason;
    emitEvent(error);
    if (why)
        *why = reason;
    if (answer.status >= 500 || answer.status == 408 || answer.status == 429)
        return true;
    stopForGood(QStringLiteral("not a PushLab server: %1").arg(reason));
    return false;
}

QUrl PatternClient::apiUrl(const QString &path, const QString &query) const {
    return PushLab::Wire::apiUrl(m_baseUrl, path, query);
}

TrafficEvent PatternClient::makeEvent(TrafficEvent::Kind kind) const {
    TrafficEvent event;
    event.kind = kind;
    event.pattern = m_pattern;
    event.timeUs = PushLab::wallClockUs();
    return event;
}

qint64 PatternClient::headerBytes(const QNetworkReply *reply) {
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 0)
        return 0;
    const QByteArray reason =
        reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toByteArray();
    // "HTTP/1.1 200 OK\r\n"
    qint64 bytes = 9 + 3 + 1 + reason.size() + 2;
    for (const auto &header : reply->rawHeaderPairs())
        bytes += header.first.size() + 2 + header.second.size() + 2;
    return bytes + 2;
}

void PatternClient::discardReply(QNetworkReply *reply) {
    if (!reply)
        return;
    // Only our connections: the manager keeps its own on the reply.
    QObject::disconnect(reply, nullptr, this, nullptr);
    reply->abort();
    reply->deleteLater();
}
