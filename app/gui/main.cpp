// pushlab: the window with its embedded server. With no display it runs the server alone
// and prints the URL to open in a browser, instead of failing.
#include "serverhost.h"
#include "serveroptions.h"
#include "signalwatcher.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QCoreApplication>

#include <cstdio>
#include <memory>

namespace {

bool displayAvailable() {
    return qEnvironmentVariableIsSet("DISPLAY") || qEnvironmentVariableIsSet("WAYLAND_DISPLAY") ||
           qEnvironmentVariableIsSet("QT_QPA_PLATFORM");
}

int runHeadless(const ServerConfig &config) {
    std::fputs(
        "pushlab: no display found; running the server alone (open the URL below in a browser)\n",
        stderr);
    ServerHost host(config);
    QString error;
    if (!host.start(&error)) {
        std::fprintf(stderr, "pushlab: %s\n",
                     qPrintable(ServerOptions::startFailure(config, error)));
        return 2;
    }
    ServerOptions::printListening(host.url(), config);
    SignalWatcher signals;
    QObject::connect(&signals, &SignalWatcher::terminationRequested, qApp,
                     [](int) { QCoreApplication::quit(); });
    QCoreApplication::exec();
    host.stop();
    return 0;
}

} // namespace

int main(int argc, char *argv[]) {
    const bool headless = !displayAvailable();
    std::unique_ptr<QCoreApplication> app = std::make_unique<QCoreApplication>(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("PushLab"));
    QCoreApplication::setOrganizationName(QStringLiteral("PushLab"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PUSHLAB_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "See how a web server pushes news: short polling, long polling and SSE side by side."));
    parser.addHelpOption();
    parser.addVersionOption();
    ServerOptions options(&parser);
    parser.process(*app);
    QString error;
    const auto config = options.config(&error);
    if (!config) {
        std::fprintf(stderr, "pushlab: %s\n", qPrintable(error));
        return 2;
    }
    if (headless)
        return runHeadless(*config);
    // The window lands with the ui/ layer; until then the server runs alone here too.
    return runHeadless(*config);
}
