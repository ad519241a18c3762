#include "serverprobe.h"

#include "replyfailure.h"
#include "serverstats.h"
#include "wireformat.h"

#include <QtCore/QEventLoop>
#include <QtNetwork/QNetworkAccessManager>
#include <QtNetwork/QNetworkReply>

QString ServerProbe::problemWith(const QUrl &base) {
    QNetworkAccessManager network;
    QNetworkRequest request(PushLab::Wire::apiUrl(base, QStringLiteral("/api/stats")));
    request.setTransferTimeout(timeoutMs);
    request.setHeader(QNetworkRequest::UserAgentHeader,
                      QByteArrayLiteral("PushLab/" PUSHLAB_VERSION " (watch)"));
    QNetworkReply *reply = network.get(request);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    reply->deleteLater();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 0)
        return QStringLiteral("cannot reach %1: %2")
            .arg(base.toString(), PushLab::Net::failureText(reply));
    const QByteArray body = PushLab::Net::readBody(reply);
    if (status != 200 || !ServerStats::fromJson(body)) {
        return QStringLiteral("%1 is not a PushLab server (GET /api/stats answered HTTP %2%3)")
            .arg(base.toString())
            .arg(status)
            .arg(status == 200 ? QStringLiteral(", not PushLab stats") : QString());
    }
    return {};
}
