#pragma once

// Test helper: a PushServer of its own on a free loopback port, listening (a warning says why
// when it cannot).

#include "pushserver.h"

#include <QtCore/QDebug>

#include <memory>

namespace PushLab::Test {

inline std::unique_ptr<PushServer> startServer(ServerConfig config = {}) {
    config.port = 0;
    auto server = std::make_unique<PushServer>(config);
    QString error;
    if (!server->listen(&error))
        qWarning() << "listen failed:" << error;
    return server;
}

} // namespace PushLab::Test
