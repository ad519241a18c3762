#include "serveroptions.h"

#include "processpolicy.h"
#include "redisaddress.h"
#include "wirecontract.h"

#include <QtCore/QThread>
#include <QtCore/QUrl>

#include <cstdio>

namespace {
const QString portName = QStringLiteral("port");
const QString bindName = QStringLiteral("bind");
const QString historyName = QStringLiteral("history");
const QString tickerName = QStringLiteral("ticker");
const QString heartbeatName = QStringLiteral("heartbeat");
const QString threadsName = QStringLiteral("threads");
const QString fanOutName = QStringLiteral("fanout-threads");
const QString allowHostName = QStringLiteral("allow-host");
const QString redisName = QStringLiteral("redis");

// One per core, up to four: an SSE fan-out is kernel time in send(2), which spreads well.
int defaultFanOutThreads() {
    return qBound(1, QThread::idealThreadCount(), 4);
}
} // namespace

ServerOptions::ServerOptions(QCommandLineParser *parser)
    : m_parser(parser) {
    parser->addOption({portName,
                       QStringLiteral("Port to listen on (default 8050; 0 picks a free one)."),
                       QStringLiteral("N")});
    parser->addOption(
        {bindName,
         QStringLiteral(
             "Address to listen on (default 127.0.0.1; 0.0.0.0 lets other machines in)."),
         QStringLiteral("ADDR")});
    parser->addOption({historyName, QStringLiteral("Messages kept for replay (default 1000)."),
                       QStringLiteral("N")});
    parser->addOption({tickerName,
                       QStringLiteral("Publish \"Message N\" every S seconds (demo traffic)."),
                       QStringLiteral("S")});
    parser->addOption({heartbeatName,
                       QStringLiteral("SSE heartbeat interval in seconds, %1..%2 (default %3).")
                           .arg(PushLab::Wire::heartbeatMinMs / 1000.0)
                           .arg(PushLab::Wire::heartbeatMaxMs / 1000)
                           .arg(PushLab::Wire::heartbeatDefaultMs / 1000.0),
                       QStringLiteral("S")});
    parser->addOption({threadsName,
                       QStringLiteral("Event loops (threads) sharing the connections (default 1)."),
                       QStringLiteral("N")});
    parser->addOption({allowHostName,
                       QStringLiteral("Also answer requests that name this host (repeatable; "
                                      ".example.com allows its subdomains). IP addresses and "
                                      "localhost are always answered; other names get 403, "
                                      "which stops DNS rebinding."),
                       QStringLiteral("NAME")});
    parser->addOption({redisName,
                       QStringLiteral("Share one history with every server given the same URL: "
                                      "a Redis Stream at redis://host[:port][/db]."),
                       QStringLiteral("URL")});
    parser->addOption({fanOutName,
                       QStringLiteral("Threads that write each SSE message to many streams "
                                      "together (default: one per core, at most 4; here %1).")
                           .arg(defaultFanOutThreads()),
                       QStringLiteral("N")});
}

bool ServerOptions::portGiven() const {
    return m_parser->isSet(portName);
}

std::optional<ServerConfig> ServerOptions::config(QString *error) const {
    ServerConfig config;
    config.fanOutThreads = defaultFanOutThreads();
    ProcessPolicy::adjust(&config);
    if (m_parser->isSet(bindName)) {
        QHostAddress address;
        const QString value = m_parser->value(bindName);
        if (value == QLatin1String("localhost"))
            address = QHostAddress::LocalHost;
        else if (!address.setAddress(value)) {
            *error =
                QStringLiteral("--bind takes an IP address such as 127.0.0.1 or 0.0.0.0, not '%1'")
                    .arg(value);
            return std::nullopt;
        }
        config.bindAddress = address;
    }
    // A whole number or seconds within [low, high]; false, with *error set, when it is not.
    const auto integer = [&](const QString &name, int low, int high, const QString &what,
                             int *out) {
        if (!m_parser->isSet(name))
            return true;
        bool valid = false;
        const int value = m_parser->value(name).toInt(&valid);
        if (!valid || value < low || value > high) {
            *error =
                QStringLiteral("--%1 takes %2, not '%3'").arg(name, what, m_parser->value(name));
            return false;
        }
        *out = value;
        return true;
    };
    const auto seconds = [&](const QString &name, double low, double high, double *out) {
        if (!m_parser->isSet(name))
            return true;
        bool valid = false;
        const double value = m_parser->value(name).toDouble(&valid);
        if (!valid || value < low || value > high) {
            *error = QStringLiteral("--%1 takes seconds between %2 and %3, not '%4'")
                         .arg(name)
                         .arg(low)
                         .arg(high)
                         .arg(m_parser->value(name));
            return false;
        }
        *out = value;
        return true;
    };
    double heartbeatSeconds = config.heartbeatMs / 1000.0;
    int port = config.port;
    if (!integer(portName, 0, 65535, QStringLiteral("a number from 0 to 65535"), &port) ||
        !integer(historyName, 1, 1000000, QStringLiteral("a number of messages from 1 to 1000000"),
                 &config.historySize) ||
        !seconds(tickerName, 0.01, 86400, &config.tickerSeconds) ||
        !seconds(heartbeatName, PushLab::Wire::heartbeatMinMs / 1000.0,
                 PushLab::Wire::heartbeatMaxMs / 1000.0, &heartbeatSeconds) ||
        !integer(threadsName, 1, 64, QStringLiteral("a number from 1 to 64"), &config.threads) ||
        !integer(fanOutName, 1, 64, QStringLiteral("a number from 1 to 64"), &config.fanOutThreads))
        return std::nullopt;
    config.heartbeatMs = int(heartbeatSeconds * 1000);
    config.allowedHosts = m_parser->values(allowHostName);
    if (m_parser->isSet(redisName)) {
        config.redisUrl = m_parser->value(redisName);
        if (!RedisAddress::parse(config.redisUrl, error))
            return std::nullopt;
    }
    config.port = quint16(port);
    return config;
}

void ServerOptions::printListening(const QUrl &url, const ServerConfig &config) {
    std::printf("PushLab server listening on %s\n", qPrintable(url.toString()));
    std::fflush(stdout);
    if (!config.bindAddress.isLoopback()) {
        std::fprintf(stderr,
                     "warning: bound to %s: anyone who can reach this machine on port %d can read "
                     "and publish messages\n",
                     qPrintable(config.bindAddress.toString()), url.port());
    }
}

QString ServerOptions::startFailure(const ServerConfig &config, const QString &error) {
    if (error.contains(QLatin1String("already in use")))
        return QStringLiteral("port %1 is already in use; choose another with --port N (--port 0 "
                              "picks a free one)")
            .arg(config.port);
    return error;
}
