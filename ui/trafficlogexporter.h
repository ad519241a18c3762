#pragma once

#include <QtCore/QCoreApplication>
#include <QtCore/QString>

class QWidget;
class TrafficLogFilterModel;
class TrafficLogModel;

// File → Export: writes the traffic log's rows that the pattern filter shows, as CSV or JSON,
// atomically (a failed export leaves no half-written file).
class TrafficLogExporter final {
    Q_DECLARE_TR_FUNCTIONS(TrafficLogExporter)

public:
    enum class Format { Csv, Json };

    TrafficLogExporter(TrafficLogModel *log, const TrafficLogFilterModel *filter);

    // False with *error on failure.
    bool write(const QString &path, Format format, QString *error = nullptr) const;
    // Asks where, then writes. Returns the line for the status bar; empty when the user
    // cancelled or the export failed (a message box has said why).
    QString writeWithDialog(QWidget *parent, Format format) const;

private:
    TrafficLogModel *m_log = nullptr;
    const TrafficLogFilterModel *m_filter = nullptr;
};
