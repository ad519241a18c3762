#include "trafficlogexporter.h"

#include "trafficlogfiltermodel.h"
#include "trafficlogmodel.h"

#include <QtCore/QSaveFile>
#include <QtWidgets/QFileDialog>
#include <QtWidgets/QMessageBox>

TrafficLogExporter::TrafficLogExporter(TrafficLogModel *log, const TrafficLogFilterModel *filter)
    : m_log(log)
    , m_filter(filter) {}

bool TrafficLogExporter::write(const QString &path, Format format, QString *error) const {
    m_log->flush();
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        if (error)
            *error = file.errorString();
        return false;
    }
    const PatternSet &shown = m_filter->shownPatterns();
    const bool ok =
        format == Format::Csv ? m_log->writeCsv(file, shown) : m_log->writeJson(file, shown);
    if (!ok || !file.commit()) {
        if (error)
            *error = file.errorString();
        return false;
    }
    return true;
}

QString TrafficLogExporter::writeWithDialog(QWidget *parent, Format format) const {
    const bool csv = format == Format::Csv;
    const QString path = QFileDialog::getSaveFileName(
        parent, csv ? tr("Export traffic log as CSV") : tr("Export traffic log as JSON"),
        csv ? QStringLiteral("pushlab-traffic.csv") : QStringLiteral("pushlab-traffic.json"),
        csv ? tr("CSV (*.csv)") : tr("JSON (*.json)"));
    if (path.isEmpty())
        return {};
    QString error;
    if (!write(path, format, &error)) {
        QMessageBox::warning(parent, tr("Export failed"),
                             tr("Could not write %1: %2").arg(path, error));
        return {};
    }
    return tr("Exported %1").arg(path);
}
