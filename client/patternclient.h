#pragma once

#include <functional>
#include <optional>

#include "pattern.h"
#include "trafficevent.h"

#include <QtCore/QObject>
#include <QtCore/QUrl>

class QNetworkAccessManager;
class QNetworkReply;
class QNetworkRequest;

// Base of the pattern clients: one QNetworkAccessManager each (so one pattern's held
// requests never queue behind another's 6-connections-per-host limit), one stream of
// TrafficEvents for everything it does.
class PatternClient : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PatternClient)

public:
    ~PatternClient() override;

    PushLab::Pattern pattern() const { return m_pattern; }
    // Server origin, e.g. http://127.0.0.1:8050. Takes effect at the next request.
    QUrl baseUrl() const { return m_baseUrl; }
    void setBaseUrl(const QUrl &url);
    bool isRunning() const { return m_running; }

    // The User-Agent every request carries: "PushLab/<version> (<pattern key>)".
    QByteArray userAgent() const;

    virtual void start();
    // Aborts in-flight requests; emits Stopped with detail "stopped".
    virtual void stop();

Q_SIGNALS:
    void trafficEvent(const TrafficEvent &event);
    void runningChanged(bool running);

protected:
    PatternClient(PushLab::Pattern pattern, QObject *parent);

    // Subclass hooks, called by start()/stop() when the running state changes.
    virtual void startClient() = 0;
    virtual void stopClient() = 0;

    QNetworkAccessManager *network() const { return m_network; }
    QNetworkRequest makeRequest(const QUrl &url) const;
    // baseUrl + path (+ query), keeping any path prefix of the base URL.
    QUrl apiUrl(const QString &path, const QString &query = {}) const;
    TrafficEvent makeEvent(TrafficEvent::Kind kind) const;
    void emitEvent(const TrafficEvent &event) { Q_EMIT trafficEvent(event); }
    quint64 nextRequestId() { return ++m_lastRequestId; }
    // Stops for good on the client's own initiative (wrong server, stream refused...).
    void stopForGood(const QString &reason);

    // Bytes the response put on the wire as far as the client can tell: status line,
    // headers and the body size given.
    static qint64 headerBytes(const QNetworkReply *reply);

    // A poll: sends the GET, reports RequestSent (with its URL) and calls back with the reply
    // and its request id when it finishes.
    QNetworkReply *sendPoll(const QNetworkRequest &request,
                            std::function<void(QNetworkReply *, quint64)> onFinished);
    struct HttpAnswer {
        QByteArray body;
        int status = 0;
        qint64 bytes = 0; // on the wire: status line, headers, body
    };
    // Reads a finished poll. A transport failure (no HTTP status at all) is reported as an
    // Error event and gives nullopt, with its text in *failure.
    // A poll answer that is not messages JSON: reports it (the response, then an Error with the
    // server's reason). Returns true when polling again may help (a busy or restarting server:
    // 5xx, 408, 429); any other answer means this is not a PushLab server, and the client stops
    // for good. *why gets the reason.
    bool reportUnusableAnswer(TrafficEvent response, const HttpAnswer &answer, QString *why);
    std::optional<HttpAnswer> readPollAnswer(QNetworkReply *reply, quint64 requestId,
                                             QString *failure);
    // The ResponseReceived event for a poll's answer.
    TrafficEvent responseEvent(const HttpAnswer &answer, quint64 requestId) const;
    // A 200 with messages JSON: puts its messages (and any gap) into *event and gives its
    // lastId. Nothing for any other answer.
    static std::optional<quint64> takeMessages(const HttpAnswer &answer, TrafficEvent *event);
    // Detaches and aborts a reply without its finished() reaching us.
    void discardReply(QNetworkReply *reply);

private:
    void setRunning(bool running, const QString &reason);

    PushLab::Pattern m_pattern = PushLab::Pattern::ShortPoll;
    QUrl m_baseUrl{QStringLiteral("http://127.0.0.1:8050")};
    QNetworkAccessManager *m_network = nullptr; // child of this
    bool m_running = false;
    quint64 m_lastRequestId = 0;
};
