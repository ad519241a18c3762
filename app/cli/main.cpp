#include "commands.h"
#include "processpolicy.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QTextStream>

#include <cstdio>

namespace {

void printUsage(FILE *to) {
    std::fputs("usage: pushlab-cli <command> [options]\n"
               "\n"
               "commands:\n"
               "  serve    run the push server without a window\n"
               "  watch    watch a server with the short-poll, long-poll, SSE and WebSocket "
               "clients\n"
               "  publish  publish a message\n"
               "  bench    hold many clients of one pattern and measure delivery\n"
               "  relay    put the network lab's link between any client and a server\n"
               "\n"
               "`pushlab-cli <command> --help` describes each command.\n",
               to);
}

} // namespace

int main(int argc, char *argv[]) {
    ProcessPolicy::apply(); // before any thread starts
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("pushlab-cli"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PUSHLAB_VERSION));

    QStringList args = QCoreApplication::arguments();
    if (args.size() < 2) {
        printUsage(stderr);
        return 2;
    }
    const QString command = args.at(1);
    args.removeAt(1); // leave argv[0] in place so each command's parser sees a normal argv
    if (command == QLatin1String("serve"))
        return runServe(args);
    if (command == QLatin1String("watch"))
        return runWatch(args);
    if (command == QLatin1String("publish"))
        return runPublish(args);
    if (command == QLatin1String("bench"))
        return runBench(args);
    if (command == QLatin1String("relay"))
        return runRelay(args);
    if (command == QLatin1String("--help") || command == QLatin1String("-h") ||
        command == QLatin1String("help")) {
        printUsage(stdout);
        return 0;
    }
    if (command == QLatin1String("--version")) {
        std::printf("pushlab-cli %s\n", PUSHLAB_VERSION);
        return 0;
    }
    std::fprintf(stderr, "pushlab-cli: unknown command '%s' (try --help)\n", qPrintable(command));
    return 2;
}
