#include "streamcloser.h"

#include "wirecontract.h"

#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QUrl>
#include <QtNetwork/QNetworkAccessManager>
#include <QtNetwork/QNetworkReply>
#include <QtNetwork/QNetworkRequest>

StreamCloser::StreamCloser(QObject *parent)
    : QObject(parent)
    , m_network(new QNetworkAccessManager(this)) {}

void StreamCloser::closeStreams(const QUrl &server) {
    QUrl url = server;
    url.setPath(url.path().chopped(url.path().endsWith(u'/') ? 1 : 0) +
                QStringLiteral("/api/streams/close"));
    QNetworkRequest request(url);
    request.setTransferTimeout(10000);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    QNetworkReply *reply = m_network->post(request, QByteArray());
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QJsonObject body = QJsonDocument::fromJson(reply->readAll()).object();
        if (status == 200)
            Q_EMIT finished(
                tr("The server closed %n stream(s) (SSE and WebSocket); watch them reconnect",
                   nullptr, body.value(u"closed").toInt()));
        else
            Q_EMIT finished(tr("Close streams failed: %1")
                                .arg(body.value(QLatin1String(PushLab::Wire::Key::error))
                                         .toString(reply->errorString())));
    });
}
