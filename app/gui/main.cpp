// pushlab: the window with its embedded server. With no display it runs the server alone
// and prints the URL to open in a browser, instead of failing.
#include "linkbar.h"
#include "linkpreset.h"
#include "mainwindow.h"
#include "processpolicy.h"
#include "serverhost.h"
#include "serveroptions.h"
#include "signalwatcher.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QCoreApplication>
#include <QtWidgets/QApplication>

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

int runWindow(const ServerConfig &config, const QString &watchUrl, const QString &publishUrl,
              const QString &link) {
    MainWindow window;
    if (!publishUrl.isEmpty())
        window.setPublishServer(QUrl::fromUserInput(publishUrl));
    std::unique_ptr<ServerHost> host;
    if (!watchUrl.isEmpty()) {
        window.setServer(QUrl::fromUserInput(watchUrl), MainWindow::ServerMode::Remote);
    } else {
        // Starts (or restarts, after the user picked another port) the embedded server.
        const auto startServer = [&window, &host, config](quint16 port) {
            ServerConfig c = config;
            c.port = port;
            host.reset(); // a failed host holds nothing, but never keep two
            host = std::make_unique<ServerHost>(c);
            QString error;
            if (host->start(&error)) {
                ServerOptions::printListening(host->url(), c);
                window.setServer(host->url(), MainWindow::ServerMode::Embedded);
            } else {
                std::fprintf(stderr, "pushlab: %s\n",
                             qPrintable(ServerOptions::startFailure(c, error)));
                // The command-line advice (--port) means nothing in the window: the banner
                // offers the ways on instead.
                const QString why = error.contains(QLatin1String("already in use"))
                                        ? QStringLiteral("Port %1 is already in use, perhaps by "
                                                         "another PushLab.")
                                              .arg(port)
                                        : error;
                window.showServerProblem(why, port);
                host.reset();
            }
        };
        QObject::connect(&window, &MainWindow::startServerRequested, &window, startServer);
        startServer(config.port);
    }
    if (!link.isEmpty())
        window.linkBar()->setPreset(link);
    window.show();
    SignalWatcher signals;
    QObject::connect(&signals, &SignalWatcher::terminationRequested, &window,
                     [&window](int) { window.close(); });
    const int rc = QApplication::exec();
    if (host)
        host->stop();
    return rc;
}

} // namespace

int main(int argc, char *argv[]) {
    ProcessPolicy::apply(); // before any thread starts
    const bool headless = !displayAvailable();
    std::unique_ptr<QCoreApplication> app = headless
                                                ? std::make_unique<QCoreApplication>(argc, argv)
                                                : std::make_unique<QApplication>(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("PushLab"));
    QCoreApplication::setOrganizationName(QStringLiteral("PushLab"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PUSHLAB_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "See how a web server pushes news: short polling, long polling, SSE and WebSocket side "
        "by side."));
    parser.addHelpOption();
    parser.addVersionOption();
    ServerOptions options(&parser);
    const QCommandLineOption serverOption(
        QStringLiteral("server"),
        QStringLiteral("Watch another PushLab server at URL instead of starting one."),
        QStringLiteral("URL"));
    parser.addOption(serverOption);
    const QCommandLineOption linkOption(
        QStringLiteral("link"),
        QStringLiteral("Start with the network lab's link for every lane: %1.")
            .arg(LinkPreset::keys()),
        QStringLiteral("preset"));
    parser.addOption(linkOption);
    const QCommandLineOption publishToOption(
        QStringLiteral("publish-to"),
        QStringLiteral("Publish through the PushLab server at URL (one sharing this history: "
                       "--redis) while the lanes watch this one: the latency of the hop."),
        QStringLiteral("URL"));
    parser.addOption(publishToOption);
    parser.process(*app);
    QString error;
    const auto config = options.config(&error);
    if (!config) {
        std::fprintf(stderr, "pushlab: %s\n", qPrintable(error));
        return 2;
    }
    const QString watchUrl = parser.value(serverOption);
    const QString link = parser.value(linkOption);
    if (!link.isEmpty() && !LinkPreset::find(link)) {
        std::fprintf(stderr, "pushlab: --link must be one of %s, not '%s'\n",
                     qPrintable(LinkPreset::keys()), qPrintable(link));
        return 2;
    }
    if (headless) {
        if (!watchUrl.isEmpty()) {
            std::fputs("pushlab: --server needs a display (use pushlab-cli watch instead)\n",
                       stderr);
            return 2;
        }
        return runHeadless(*config);
    }
    return runWindow(*config, watchUrl, parser.value(publishToOption),
                     LinkPreset::find(link) ? LinkPreset::find(link)->key : QString());
}
