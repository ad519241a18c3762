#pragma once

#include <QtCore/QString>
#include <QtCore/QUrl>

// Asks GET /api/stats once, so that a wrong URL or a dead server is one clear line rather than
// clients retrying for ever.
class ServerProbe final {
public:
    static constexpr int timeoutMs = 5000;

    // Empty when `base` is a PushLab server; else the sentence that says why not.
    static QString problemWith(const QUrl &base);
};
