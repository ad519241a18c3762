#include "trafficlogfiltermodel.h"

TrafficLogFilterModel::TrafficLogFilterModel(QObject *parent)
    : QSortFilterProxyModel(parent) {}

void TrafficLogFilterModel::setPatternShown(PushLab::Pattern p, bool shown) {
    bool &slot = m_shown[p];
    if (slot == shown)
        return;
    slot = shown;
    invalidateRowsFilter();
}

bool TrafficLogFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const {
    if (sourceParent.isValid())
        return false;
    // Read the row directly: going through data() and QVariant per row is needlessly slow
    // for a log of tens of thousands of rows.
    if (const auto *log = qobject_cast<const TrafficLogModel *>(sourceModel()))
        return m_shown[log->row(sourceRow).pattern];
    // Any other source: its PatternRole must hold a Pattern (never an int taken on trust).
    const QVariant p = sourceModel()->index(sourceRow, 0).data(TrafficLogModel::PatternRole);
    return p.metaType() == QMetaType::fromType<PushLab::Pattern>() &&
           m_shown[p.value<PushLab::Pattern>()];
}
