#include "trafficlogpane.h"

#include "patterntheme.h"
#include "trafficlogfiltermodel.h"
#include "trafficlogmodel.h"

#include <QtWidgets/QCheckBox>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QHeaderView>
#include <QtWidgets/QLabel>
#include <QtWidgets/QScrollBar>
#include <QtWidgets/QTableView>
#include <QtWidgets/QVBoxLayout>

using PushLab::Pattern;

TrafficLogPane::TrafficLogPane(TrafficLogModel *log, TrafficLogFilterModel *filter, QWidget *parent)
    : QWidget(parent)
    , m_log(log)
    , m_filter(filter) {
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    auto *filters = new QHBoxLayout;
    filters->addWidget(new QLabel(tr("Show:"), this));
    for (Pattern p : PushLab::allPatterns) {
        auto *check = new QCheckBox(PushLab::patternName(p), this);
        check->setObjectName(QStringLiteral("logFilter_") + PushLab::patternKey(p));
        check->setChecked(m_filter->isPatternShown(p));
        QPalette pal = check->palette();
        pal.setColor(QPalette::WindowText, PatternTheme::color(p).darker(110));
        check->setPalette(pal);
        connect(check, &QCheckBox::toggled, this,
                [this, p](bool on) { m_filter->setPatternShown(p, on); });
        filters->addWidget(check);
    }
    filters->addStretch(1);
    auto *hint = new QLabel(tr("File → Export writes the rows shown as CSV or JSON"), this);
    hint->setEnabled(false);
    filters->addWidget(hint);
    layout->addLayout(filters);

    m_view = new QTableView(this);
    m_view->setModel(m_filter);
    m_view->setAlternatingRowColors(true);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setWordWrap(false);
    // Fixed row heights: measuring tens of thousands of rows would stall every batch.
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 4);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    const int widths[] = {100, 80, 110, 70, 55, 70, 150, 110};
    for (int c = 0; c < int(std::size(widths)); ++c)
        m_view->setColumnWidth(c, widths[c]);
    layout->addWidget(m_view, 1);
}

void TrafficLogPane::flushFollowing() {
    const QScrollBar *bar = m_view->verticalScrollBar();
    const bool follow = bar == nullptr || bar->value() >= bar->maximum() - 2;
    m_log->flush();
    if (follow)
        m_view->scrollToBottom();
}
