#include "staticfiles.h"

#include <QtCore/QFile>
#include <QtCore/QRegularExpression>

QByteArray StaticFiles::contentTypeFor(const QString &name) {
    if (name.endsWith(u".html"))
        return "text/html; charset=utf-8";
    if (name.endsWith(u".js") || name.endsWith(u".mjs"))
        return "text/javascript; charset=utf-8";
    if (name.endsWith(u".css"))
        return "text/css; charset=utf-8";
    if (name.endsWith(u".svg"))
        return "image/svg+xml";
    if (name.endsWith(u".png"))
        return "image/png";
    if (name.endsWith(u".ico"))
        return "image/x-icon";
    if (name.endsWith(u".json"))
        return "application/json";
    return "application/octet-stream";
}

std::optional<HttpResponse> StaticFiles::answer(const RequestInfo &info) {
    static const QRegularExpression safeName(QStringLiteral("^/([A-Za-z0-9_-][A-Za-z0-9._-]*)?$"));
    const auto match = safeName.match(info.path);
    if (!match.hasMatch())
        return std::nullopt;
    QString name = match.captured(1);
    if (name.isEmpty())
        name = QStringLiteral("index.html");
    auto cached = m_cache.constFind(name);
    if (cached == m_cache.constEnd()) {
        QFile file(QStringLiteral(":/web/") + name);
        if (!file.open(QIODevice::ReadOnly))
            return std::nullopt;
        cached = m_cache.insert(name, file.readAll());
    }
    HttpResponse response(200);
    response.body(contentTypeFor(name), *cached)
        .header("Cache-Control", "no-cache")
        .omitBody(info.method == RequestInfo::Method::Head);
    return response;
}

HttpResponse StaticFiles::answerOr404(const RequestInfo &info) {
    using Method = RequestInfo::Method;
    if (info.method == Method::Get || info.method == Method::Head) {
        if (auto file = answer(info))
            return std::move(*file);
    }
    if (info.method == Method::Head)
        return HttpResponse::error(404, QString()).omitBody();
    return HttpResponse::error(
        404, QStringLiteral("There is nothing at %1. See / for the routes.").arg(info.path));
}
