#pragma once

#include <QtCore/QObject>

class QNetworkAccessManager;
class QUrl;

// Server → Close streams: POST /api/streams/close, which makes the server close its open event
// streams so that the SSE clients reconnect (with Last-Event-ID). Says how it went in a line
// for the status bar.
class StreamCloser final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StreamCloser)

public:
    explicit StreamCloser(QObject *parent = nullptr);

    void closeStreams(const QUrl &server);

Q_SIGNALS:
    void finished(const QString &message);

private:
    QNetworkAccessManager *m_network = nullptr; // child
};
