#pragma once

#include "httpresponse.h"
#include "requestinfo.h"

#include <QtCore/QHash>

#include <optional>

// The browser page and its files, compiled in under :/web/ (resources/), each read once.
class StaticFiles final {
public:
    // The answer to a GET or HEAD of `/` or `/<name>`; nothing when there is no such file.
    std::optional<HttpResponse> answer(const RequestInfo &info);
    // For a path that is no route: the file, or 404 (without a body for HEAD).
    HttpResponse answerOr404(const RequestInfo &info);

    static QByteArray contentTypeFor(const QString &name);

private:
    QHash<QString, QByteArray> m_cache;
};
