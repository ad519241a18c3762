#include "serveroptions.h"

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
                       QStringLiteral("SSE heartbeat interval in seconds (default 15)."),
                       QStringLiteral("S")});
    parser->addOption({threadsName,
                       QStringLiteral("Event loops (threads) sharing the connections (default 1)."),
                       QStringLiteral("N")});
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
    bool ok = true;
    if (m_parser->isSet(portName)) {
        const uint port = m_parser->value(portName).toUInt(&ok);
        if (!ok || port > 65535) {
            *error = QStringLiteral("--port takes a number from 0 to 65535, not '%1'")
                         .arg(m_parser->value(portName));
            return std::nullopt;
        }
        config.port = quint16(port);
    }
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
    if (m_parser->isSet(historyName)) {
        const int history = m_parser->value(historyName).toInt(&ok);
        if (!ok || history < 1 || history > 1000000) {
            *error =
                QStringLiteral("--history takes a number of messages from 1 to 1000000, not '%1'")
                    .arg(m_parser->value(historyName));
            return std::nullopt;
        }
        config.historySize = history;
    }
    if (m_parser->isSet(tickerName)) {
        const double seconds = m_parser->value(tickerName).toDouble(&ok);
        if (!ok || seconds < 0.01 || seconds > 86400) {
            *error = QStringLiteral("--ticker takes seconds between 0.01 and 86400, not '%1'")
                         .arg(m_parser->value(tickerName));
            return std::nullopt;
        }
        config.tickerSeconds = seconds;
    }
    if (m_parser->isSet(heartbeatName)) {
        const double seconds = m_parser->value(heartbeatName).toDouble(&ok);
        if (!ok || seconds < 0.1 || seconds > 3600) {
            *error = QStringLiteral("--heartbeat takes seconds between 0.1 and 3600, not '%1'")
                         .arg(m_parser->value(heartbeatName));
            return std::nullopt;
        }
        config.heartbeatMs = int(seconds * 1000);
    }
    if (m_parser->isSet(threadsName)) {
        const int threads = m_parser->value(threadsName).toInt(&ok);
        if (!ok || threads < 1 || threads > 64) {
            *error = QStringLiteral("--threads takes a number from 1 to 64, not '%1'")
                         .arg(m_parser->value(threadsName));
            return std::nullopt;
        }
        config.threads = threads;
    }
    if (m_parser->isSet(fanOutName)) {
        const int threads = m_parser->value(fanOutName).toInt(&ok);
        if (!ok || threads < 1 || threads > 64) {
            *error = QStringLiteral("--fanout-threads takes a number from 1 to 64, not '%1'")
                         .arg(m_parser->value(fanOutName));
            return std::nullopt;
        }
        config.fanOutThreads = threads;
    }
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
