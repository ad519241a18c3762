#pragma once

#include "trafficlogmodel.h"

#include <QtCore/QSortFilterProxyModel>

// The traffic log seen through the pattern check boxes.
class TrafficLogFilterModel final : public QSortFilterProxyModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TrafficLogFilterModel)

public:
    explicit TrafficLogFilterModel(QObject *parent = nullptr);

    void setPatternShown(PushLab::Pattern p, bool shown);
    bool isPatternShown(PushLab::Pattern p) const { return m_shown[p]; }
    const PatternSet &shownPatterns() const { return m_shown; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    PatternSet m_shown = allPatternsShown;
};
