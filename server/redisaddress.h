#pragma once

#include <QtCore/QString>

#include <optional>

// Where the shared history lives: `redis://[[user]:password@]host[:port][/db]` (port 6379, db 0 by
// default). No sockets: tested on its own.
struct RedisAddress {
    QString host = QStringLiteral("127.0.0.1");
    quint16 port = 6379;
    int db = 0;
    QString username; // Redis 6 ACL user; empty: AUTH with the password alone
    QString password;

    // The address, or nullopt with a one-line reason in *error.
    static std::optional<RedisAddress> parse(const QString &url, QString *error);
    // For logs and error messages: never the password.
    QString display() const;
};
