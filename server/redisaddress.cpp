#include "redisaddress.h"

#include <QtCore/QUrl>

std::optional<RedisAddress> RedisAddress::parse(const QString &url, QString *error) {
    const auto fail = [&](const QString &why) {
        if (error)
            *error = QStringLiteral("--redis takes redis://host[:port][/db], not '%1': %2")
                         .arg(url, why);
        return std::nullopt;
    };
    const QUrl parsed(url, QUrl::StrictMode);
    if (!parsed.isValid())
        return fail(parsed.errorString());
    if (parsed.scheme() != QLatin1String("redis"))
        return fail(QStringLiteral("the scheme must be redis://"));
    if (parsed.host().isEmpty())
        return fail(QStringLiteral("no host"));
    if (parsed.hasQuery() || parsed.hasFragment())
        return fail(QStringLiteral("no query or fragment is understood"));
    RedisAddress address;
    address.host = parsed.host();
    const int port = parsed.port(6379);
    if (port <= 0)
        return fail(QStringLiteral("the port must be 1..65535"));
    address.port = quint16(port);
    QString path = parsed.path();
    if (path.startsWith(QLatin1Char('/')))
        path.remove(0, 1);
    if (!path.isEmpty()) {
        bool ok = !path.isEmpty();
        for (const QChar ch : std::as_const(path))
            ok = ok && ch.isDigit();
        address.db = ok ? path.toInt(&ok) : -1;
        if (!ok)
            return fail(QStringLiteral("the database must be a number (such as /0)"));
    }
    address.username = parsed.userName(QUrl::FullyDecoded);
    address.password = parsed.password(QUrl::FullyDecoded);
    if (!address.username.isEmpty() && address.password.isEmpty())
        return fail(QStringLiteral("a user needs a password (redis://user:password@host)"));
    return address;
}

QString RedisAddress::display() const {
    return QStringLiteral("redis://%1:%2/%3").arg(host).arg(port).arg(db);
}
