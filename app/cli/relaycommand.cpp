// pushlab-cli relay: the network lab's link as a stand-alone relay, so that any client — a
// browser on the server's page, curl, a load generator — reaches a PushLab server through the
// same conditions as the window's lanes. Prints what the link does, one line each.
#include "commands.h"

#include "clioutput.h"
#include "linkoptions.h"
#include "linkrelay.h"
#include "signalwatcher.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QCoreApplication>
#include <QtCore/QDateTime>
#include <QtCore/QUrl>

#include <cstdio>

int runRelay(const QStringList &arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Relay connections to a PushLab server through the network lab's link (latency, "
        "bandwidth, loss, drops, proxies), for any client: open http://127.0.0.1:PORT/ in a "
        "browser to watch the page over that link."));
    parser.addHelpOption();
    const QCommandLineOption portOption(QStringLiteral("port"),
                                        QStringLiteral("Port to listen on, on 127.0.0.1 (default "
                                                       "8060; 0 picks a free one)."),
                                        QStringLiteral("N"), QStringLiteral("8060"));
    parser.addOption(portOption);
    const LinkOptions linkOptions;
    linkOptions.addTo(&parser);
    parser.addPositionalArgument(QStringLiteral("URL"),
                                 QStringLiteral("The server (default http://127.0.0.1:8050)."),
                                 QStringLiteral("[URL]"));
    if (!parser.parse(arguments)) {
        CliOutput::printError("relay", parser.errorText());
        return 2;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        std::fputs(qPrintable(parser.helpText().replace(QLatin1String("pushlab-cli"),
                                                        QLatin1String("pushlab-cli relay"))),
                   stdout);
        return 0;
    }
    const LinkOptions::Result link = linkOptions.read(parser);
    if (!link.error.isEmpty()) {
        CliOutput::printError("relay", link.error);
        return 2;
    }
    bool ok = false;
    const uint port = parser.value(portOption).toUInt(&ok);
    if (!ok || port > 65535) {
        CliOutput::printError(
            "relay",
            QStringLiteral("--port must be 0..65535, not '%1'").arg(parser.value(portOption)));
        return 2;
    }
    const QStringList positional = parser.positionalArguments();
    const QUrl server(positional.value(0, QStringLiteral("http://127.0.0.1:8050")));
    if (positional.size() > 1 || !server.isValid() || server.scheme() != QLatin1String("http") ||
        server.host().isEmpty()) {
        CliOutput::printError("relay", QStringLiteral("one http:// server URL at most"));
        return 2;
    }

    LinkRelay relay;
    relay.setUpstream(server.host(), quint16(server.port(80)));
    const LinkConditions conditions = link.conditions.value_or(LinkConditions{});
    relay.setConditions(conditions);
    if (!relay.listen(quint16(port))) {
        CliOutput::printError(
            "relay",
            QStringLiteral("cannot listen on 127.0.0.1:%1: %2").arg(port).arg(relay.errorString()));
        return 1;
    }
    CliOutput::printLine(QStringLiteral("relay: http://127.0.0.1:%1/ -> %2 (%3: %4)")
                             .arg(relay.port())
                             .arg(server.toString(QUrl::StripTrailingSlash),
                                  link.name.isEmpty() ? QStringLiteral("Loopback") : link.name,
                                  conditions.summary()));
    QObject::connect(&relay, &LinkRelay::linkEvent, &relay,
                     [](const QString &type, const QString &detail, qint64) {
                         CliOutput::printLine(QStringLiteral("%1 %2 %3")
                                                  .arg(QDateTime::currentDateTime().toString(
                                                           QStringLiteral("HH:mm:ss.zzz")),
                                                       type.leftJustified(13), detail));
                     });
    SignalWatcher signals;
    QObject::connect(&signals, &SignalWatcher::terminationRequested, &relay,
                     [](int) { QCoreApplication::quit(); });
    return QCoreApplication::exec();
}
