#include "replyfailure.h"

#include <QtNetwork/QNetworkAccessManager>
#include <QtNetwork/QNetworkReply>

namespace PushLab::Net {

QByteArray readBody(QNetworkReply *reply) {
    return reply->isOpen() ? reply->readAll() : QByteArray();
}

QString failureText(const QNetworkReply *reply) {
    const auto error = reply->error();
    if (error == QNetworkReply::OperationCanceledError || error == QNetworkReply::TimeoutError) {
        int timeoutMs = reply->request().transferTimeout();
        if (timeoutMs == 0 && reply->manager())
            timeoutMs = reply->manager()->transferTimeout();
        if (timeoutMs > 0) {
            return QStringLiteral("no answer within %1 s")
                .arg(double(timeoutMs) / 1000.0, 0, 'g', 3);
        }
    }
    return reply->errorString();
}

} // namespace PushLab::Net
