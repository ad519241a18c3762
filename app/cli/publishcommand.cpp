#include "commands.h"

#include <cstdio>

// Placeholder until the publish command lands.
int runPublish(const QStringList &)
{
    std::fputs("pushlab-cli publish: not built yet\n", stderr);
    return 2;
}
