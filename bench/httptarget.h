#pragma once

#include <QtCore/QUrl>

#include <optional>
#include <string>

#include <netinet/in.h>

namespace PushLab::Bench {

// One HTTP endpoint on this machine, ready for raw sockets.
struct HttpTarget final {
    sockaddr_in address{};
    std::string host;   // Host header
    std::string target; // path and query, percent-encoded

    // nullopt unless url is http:// on 127.0.0.1 or localhost.
    static std::optional<HttpTarget> from(const QUrl &url);
};

} // namespace PushLab::Bench
