#include "httptarget.h"

#include "benchoptions.h"

#include <arpa/inet.h>

namespace PushLab::Bench {

std::optional<HttpTarget> HttpTarget::from(const QUrl &url) {
    if (!BenchOptions::isLoopbackHttpUrl(url))
        return std::nullopt;
    HttpTarget t;
    t.address.sin_family = AF_INET;
    t.address.sin_port = htons(static_cast<std::uint16_t>(url.port(80)));
    const QByteArray host =
        url.host() == QLatin1String("localhost") ? QByteArray("127.0.0.1") : url.host().toLatin1();
    if (inet_pton(AF_INET, host.constData(), &t.address.sin_addr) != 1)
        return std::nullopt;
    t.host = host.toStdString() + ':' + std::to_string(url.port(80));
    QByteArray path = url.path(QUrl::FullyEncoded).toLatin1();
    if (path.isEmpty())
        path = "/";
    if (url.hasQuery())
        path += '?' + url.query(QUrl::FullyEncoded).toLatin1();
    t.target = path.toStdString();
    return t;
}

} // namespace PushLab::Bench
