#pragma once

#include "serverconfig.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QString>

#include <optional>

// The server options `pushlab-cli serve` and `pushlab` share: --port, --bind, --history,
// --ticker, --heartbeat, --threads, --fanout-threads, --allow-host, --redis.
class ServerOptions final {
public:
    explicit ServerOptions(QCommandLineParser *parser);

    // After parser->process(): the config, or nullopt with a one-line error.
    std::optional<ServerConfig> config(QString *error) const;
    bool portGiven() const;

    // "PushLab server listening on http://127.0.0.1:8050/" and the warning for a public bind.
    static void printListening(const QUrl &url, const ServerConfig &config);
    // One line for a start failure, naming the port and --port.
    static QString startFailure(const ServerConfig &config, const QString &error);

private:
    QCommandLineParser *m_parser = nullptr;
};
