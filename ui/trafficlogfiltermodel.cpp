#include "trafficlogfiltermodel.h"

TrafficLogFilterModel::TrafficLogFilterModel(QObject *parent)
    : QSortFilterProxyModel(parent) {}

void TrafficLogFilterModel::setPatternShown(PushLab::Pattern p, bool shown) {
    bool &slot = m_shown[size_t(PushLab::patternIndex(p))];
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
        return m_shown[size_t(PushLab::patternIndex(log->row(sourceRow).pattern))];
    const int p = sourceModel()->index(sourceRow, 0).data(TrafficLogModel::PatternRole).toInt();
    return p >= 0 && p < 3 && m_shown[size_t(p)];
}
