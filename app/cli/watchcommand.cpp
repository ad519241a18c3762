#include "commands.h"

#include <cstdio>

// Placeholder until the watch command lands.
int runWatch(const QStringList &)
{
    std::fputs("pushlab-cli watch: not built yet\n", stderr);
    return 2;
}
