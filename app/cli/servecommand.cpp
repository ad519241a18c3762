#include "commands.h"

#include "serverhost.h"
#include "serveroptions.h"
#include "signalwatcher.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QCoreApplication>

#include <cstdio>

int runServe(const QStringList &arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Run the PushLab push server without a window: "
                                                    "short poll, long poll and SSE on one port."));
    parser.addHelpOption();
    ServerOptions options(&parser);
    if (!parser.parse(arguments)) {
        std::fprintf(stderr, "pushlab-cli serve: %s\n", qPrintable(parser.errorText()));
        return 2;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        std::fputs(qPrintable(parser.helpText().replace(QLatin1String("pushlab-cli"),
                                                        QLatin1String("pushlab-cli serve"))),
                   stdout);
        return 0;
    }
    if (!parser.positionalArguments().isEmpty()) {
        std::fprintf(stderr, "pushlab-cli serve: unexpected argument '%s'\n",
                     qPrintable(parser.positionalArguments().first()));
        return 2;
    }
    QString error;
    const auto config = options.config(&error);
    if (!config) {
        std::fprintf(stderr, "pushlab-cli serve: %s\n", qPrintable(error));
        return 2;
    }

    ServerHost host(*config);
    if (!host.start(&error)) {
        std::fprintf(stderr, "pushlab-cli serve: %s\n",
                     qPrintable(ServerOptions::startFailure(*config, error)));
        return 2;
    }
    ServerOptions::printListening(host.url(), *config);

    SignalWatcher signals;
    QObject::connect(&signals, &SignalWatcher::terminationRequested, qApp,
                     [](int) { QCoreApplication::quit(); });
    QCoreApplication::exec();
    host.stop(); // closes every stream and waiting poll
    std::fputs("PushLab server stopped\n", stderr);
    return 0;
}
