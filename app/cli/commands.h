#pragma once

#include <QtCore/QStringList>

// Each `pushlab-cli` sub-command: takes its own arguments (after the command name) and
// returns the process exit code. 0 success, 1 runtime failure, 2 usage / start-up error.
int runServe(const QStringList &arguments);
int runWatch(const QStringList &arguments);
int runPublish(const QStringList &arguments);
int runBench(const QStringList &arguments);
int runRelay(const QStringList &arguments);
