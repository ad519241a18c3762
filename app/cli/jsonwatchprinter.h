#pragma once

#include "watchprinter.h"

#include <QtCore/QJsonObject>

// watch --json: one compact JSON object per line; the summary is the last line
// ({"kind":"summary",...}). Keys of messages and gaps are the wire's.
class JsonWatchPrinter final : public WatchPrinter {
public:
    QString eventLine(const TrafficEvent &event) const override;
    QStringList summaryLines(const Summary &summary) const override;

    static QJsonObject eventObject(const TrafficEvent &event);
    static QJsonObject summaryObject(const LatencySummary &summary);
};
