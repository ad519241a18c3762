#pragma once

#include <QtCore/QString>

// How the sub-commands write: whole lines, flushed at once (the output is for pipes too).
namespace CliOutput {

void printLine(const QString &line);
// "pushlab-cli <command>: <message>" on stderr.
void printError(const char *command, const QString &message);

} // namespace CliOutput
