#include "commands.h"

#include <cstdio>

// Placeholder until the bench command lands.
int runBench(const QStringList &)
{
    std::fputs("pushlab-cli bench: not built yet\n", stderr);
    return 2;
}
