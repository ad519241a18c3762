#include "originpolicy.h"

#include <QtNetwork/QHostAddress>

bool OriginPolicy::sameOriginOrNone(const RequestInfo &info) {
    const QByteArray &origin = info.origin;
    if (origin.isEmpty())
        return true;
    const QByteArray &host = info.host;
    return !host.isEmpty() &&
           (origin.compare(QByteArray("http://" + host), Qt::CaseInsensitive) == 0 ||
            origin.compare(QByteArray("https://" + host), Qt::CaseInsensitive) == 0);
}

QString OriginPolicy::hostName(const QByteArray &host) {
    QByteArrayView h = QByteArrayView(host).trimmed();
    if (h.startsWith('[')) { // [::1]:8050
        const qsizetype close = h.indexOf(']');
        return close < 0 ? QString() : QString::fromLatin1(h.sliced(1, close - 1));
    }
    const qsizetype colon = h.lastIndexOf(':');
    if (colon >= 0 && h.indexOf(':') == colon) // host:port (one colon; more is a bare IPv6)
        h = h.first(colon);
    return QString::fromLatin1(h).toLower();
}

std::optional<HttpResponse> OriginPolicy::refusal(const RequestInfo &info, Route route,
                                                  const QStringList &allowedHosts) {
    // A client names the same Host on every request, and this check ran on every short poll:
    // parsing it as an address cost about a tenth of such a request's instructions (callgrind,
    // docs/bench.md). The last Host allowed on this thread, under the same allow-list, is
    // allowed again without the parse.
    thread_local QByteArray lastAllowedHost;
    thread_local QStringList lastAllowedList;
    const bool knownGood =
        !info.host.isEmpty() && info.host == lastAllowedHost && allowedHosts == lastAllowedList;
    if (!info.host.isEmpty() && !knownGood) {
        const QString name = hostName(info.host);
        bool allowed =
            !QHostAddress(name).isNull() || name == u"localhost" || name.endsWith(u".localhost");
        for (const QString &entry : allowedHosts) {
            const QString e = entry.toLower();
            if (allowed || name == e ||
                (e.startsWith(u'.') && (name.endsWith(e) || name == e.mid(1))))
                allowed = true;
        }
        if (!allowed) {
            return HttpResponse::error(
                403, QStringLiteral("Host %1 is not this server's name; start it with "
                                    "--allow-host %1 to use that name.")
                         .arg(name.left(100)));
        }
        lastAllowedHost = info.host;
        lastAllowedList = allowedHosts;
    }
    // Browsers apply no CORS to a WebSocket: any page could open one and read every message.
    if (route == Route::WebSocket && !sameOriginOrNone(info)) {
        return HttpResponse::error(
            403, QStringLiteral("WebSocket connections from another origin are not allowed."));
    }
    if (route == Route::CloseStreams && info.method == RequestInfo::Method::Post &&
        !sameOriginOrNone(info)) {
        return HttpResponse::error(
            403, QStringLiteral("Closing streams from another origin is not allowed."));
    }
    if (route == Route::SeedUpdate && info.secFetchSite == "cross-site") {
        return HttpResponse::error(
            403, QStringLiteral("Publishing from a page of another site is not allowed."));
    }
    return std::nullopt;
}
