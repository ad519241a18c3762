#pragma once

#include "watchprinter.h"

// watch's text: "HH:mm:ss.zzz <pattern> <kind> <what>" per event; at the end a traffic table and
// a latency table, one row per pattern. Figures are written by Units, as in the window.
class TextWatchPrinter final : public WatchPrinter {
public:
    QString eventLine(const TrafficEvent &event) const override;
    QStringList summaryLines(const Summary &summary) const override;

private:
    static QString what(const TrafficEvent &event);
    static QString messagesText(const TrafficEvent &event);
};
