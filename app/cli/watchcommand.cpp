// pushlab-cli watch: the pattern clients against one server, one line per traffic event,
// a summary per pattern at exit. Options (WatchOptions), the server check (ServerProbe), the run
// (WatchSession) and its printers (WatchPrinter) are each a class of their own.
#include "commands.h"

#include "clioutput.h"
#include "jsonwatchprinter.h"
#include "serverprobe.h"
#include "textwatchprinter.h"
#include "watchoptions.h"
#include "watchsession.h"

#include <cstdio>
#include <memory>

int runWatch(const QStringList &arguments) {
    WatchOptions::Parsed parsed = WatchOptions::parse(arguments);
    if (!parsed.helpText.isEmpty()) {
        std::fputs(qPrintable(parsed.helpText), stdout);
        return 0;
    }
    if (!parsed.options) {
        CliOutput::printError("watch", parsed.error);
        return 2;
    }
    if (!parsed.options->streamUrlGiven) {
        const QString problem = ServerProbe::problemWith(parsed.options->url);
        if (!problem.isEmpty()) {
            CliOutput::printError("watch", problem);
            return 1;
        }
    }
    std::unique_ptr<WatchPrinter> printer;
    if (parsed.options->json)
        printer = std::make_unique<JsonWatchPrinter>();
    else
        printer = std::make_unique<TextWatchPrinter>();
    WatchSession session(std::move(*parsed.options), std::move(printer));
    return session.run();
}
