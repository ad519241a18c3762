#include "commands.h"

#include <benchoptions.h>
#include <loadgenerator.h>

#include <QtCore/QJsonDocument>

#include <cstdio>

#include <unistd.h>

using namespace PushLab::Bench;

// `pushlab-cli bench`: holds N clients of one pattern against a server on this machine and
// measures how fast published messages reach all of them. Progress on stderr, the report on
// stdout (text, or JSON with --json).
int runBench(const QStringList &arguments) {
    const BenchOptions::ParseResult parsed = BenchOptions::parse(arguments);
    if (parsed.help) {
        std::fputs(qPrintable(parsed.helpText), stdout);
        return 0;
    }
    if (!parsed.options) {
        std::fprintf(stderr, "pushlab-cli bench: %s\n", qPrintable(parsed.error));
        return 2;
    }

    LoadGenerator generator(*parsed.options);
    const bool tty = isatty(STDERR_FILENO);
    generator.setProgressHandler([tty](const LoadGenerator::Progress &p) {
        std::fprintf(stderr,
                     "%s[%5.1f s] %-10s connected %d/%d%s · published %d/%d · deliveries "
                     "%lld/%lld · requests %lld%s",
                     tty ? "\r\033[K" : "", p.elapsedSeconds, p.phase, p.connected, p.clients,
                     p.failed > 0 ? qPrintable(QStringLiteral(" (%1 failed)").arg(p.failed)) : "",
                     p.published, p.messages, static_cast<long long>(p.received),
                     static_cast<long long>(p.expected), static_cast<long long>(p.requests),
                     tty ? "" : "\n");
        std::fflush(stderr);
    });
    if (const std::string error = generator.prepare(); !error.empty()) {
        std::fprintf(stderr, "pushlab-cli bench: %s\n", error.c_str());
        return 1;
    }
    const BenchResult result = generator.run();
    if (tty)
        std::fputs("\n", stderr);
    if (parsed.options->json) {
        std::fputs(QJsonDocument(result.toJson()).toJson(QJsonDocument::Indented).constData(),
                   stdout);
    } else {
        std::fputs(qPrintable(result.toText()), stdout);
    }
    // A run that lost deliveries or clients still reports; the exit code tells scripts.
    const bool complete =
        result.allConnected && result.lost == 0 && result.publishErrors == 0 && !result.timedOut;
    return complete ? 0 : 1;
}
