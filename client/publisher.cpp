#include "publisher.h"

#include "replyfailure.h"
#include "wirecontract.h"
#include "wireformat.h"

#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtNetwork/QNetworkAccessManager>
#include <QtNetwork/QNetworkReply>

Publisher::Publisher(QObject *parent)
    : QObject(parent)
    , m_network(new QNetworkAccessManager(this)) {}

Publisher::~Publisher() = default;

void Publisher::publish(const QString &text) {
    const QUrl url = PushLab::Wire::apiUrl(m_baseUrl, QStringLiteral("/api/messages"));
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setHeader(QNetworkRequest::UserAgentHeader,
                      QByteArrayLiteral("PushLab/" PUSHLAB_VERSION " (publish)"));
    request.setTransferTimeout(m_timeoutMs);
    const QByteArray body =
        QJsonDocument(QJsonObject{{QLatin1String(PushLab::Wire::Key::text), text}})
            .toJson(QJsonDocument::Compact);
    QNetworkReply *reply = m_network->post(request, body);
    ++m_pending;
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        reply->deleteLater();
        --m_pending;
        const QByteArray answer = PushLab::Net::readBody(reply);
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status == 0) {
            Q_EMIT failed(PushLab::Net::failureText(reply));
            return;
        }
        if (status == 201 || status == 200) {
            if (auto message = PushLab::Wire::messageFromJson(answer)) {
                Q_EMIT published(*message);
                return;
            }
            Q_EMIT failed(
                QStringLiteral("HTTP %1 but not a PushLab message in the answer").arg(status));
            return;
        }
        const QString why = PushLab::Wire::errorFromJson(answer);
        Q_EMIT failed(why.isEmpty() ? QStringLiteral("HTTP %1").arg(status)
                                    : QStringLiteral("HTTP %1: %2").arg(status).arg(why));
    });
}
