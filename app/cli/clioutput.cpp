#include "clioutput.h"

#include <cstdio>

namespace CliOutput {

void printLine(const QString &line) {
    const QByteArray bytes = line.toUtf8() + '\n';
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout);
    std::fflush(stdout); // never sit in a buffer
}

void printError(const char *command, const QString &message) {
    std::fprintf(stderr, "pushlab-cli %s: %s\n", command, qPrintable(message));
}

} // namespace CliOutput
