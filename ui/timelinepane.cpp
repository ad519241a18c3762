#include "timelinepane.h"

#include "lanepanel.h"
#include "laneview.h"
#include "patterntheme.h"
#include "timeaxisview.h"
#include "timelinelegend.h"
#include "timelineviewport.h"

#include <QtWidgets/QGridLayout>
#include <QtWidgets/QLabel>

using PushLab::Pattern;

TimelinePane::TimelinePane(const TimelineModel *model, TimelineViewport *viewport, QWidget *parent)
    : QWidget(parent)
    , m_viewport(viewport) {
    auto *grid = new QGridLayout(this);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setHorizontalSpacing(0);
    grid->setVerticalSpacing(0); // the guides run on unbroken from lane to lane

    // Words, not symbols: a newcomer reads this before anything else on the timeline.
    auto *corner = new QLabel(tr("<b>Same messages, four ways</b><br>"
                                 "<span style='color:%1'>dashed line: published · dot: "
                                 "arrived</span>")
                                  .arg(PatternTheme::axisText().name()),
                              this);
    corner->setToolTip(tr("Each message gets a dashed line across every lane at the moment it "
                          "was published. A dot in a lane is its arrival there; the line from "
                          "the dashed line to the dot, and the figure beside it, is how long "
                          "that pattern took."));
    corner->setTextFormat(Qt::RichText);
    corner->setContentsMargins(8, 0, 4, 0);
    grid->addWidget(corner, 0, 0);
    m_axis = new TimeAxisView(model, m_viewport, this);
    grid->addWidget(m_axis, 0, 1);

    int row = 1;
    for (Pattern p : PushLab::allPatterns) {
        m_panels[p] = new LanePanel(p, this);
        m_laneViews[p] = new LaneView(p, model, m_viewport, this);
        grid->addWidget(m_panels[p], row, 0);
        grid->addWidget(m_laneViews[p], row, 1);
        grid->setRowStretch(row, 1);
        ++row;
    }
    m_legend = new TimelineLegend(m_viewport, this);
    grid->addWidget(m_legend, row, 0, 1, 2);
    grid->setColumnStretch(1, 1);

    connect(m_viewport, &TimelineViewport::changed, this, &TimelinePane::onViewportChanged);
}

void TimelinePane::setLanesEnabled(bool enabled) {
    for (LanePanel *panel : m_panels)
        panel->setEnabled(enabled);
}

void TimelinePane::repaintTraffic() {
    for (LaneView *v : m_laneViews)
        v->update();
    m_axis->update();
}

void TimelinePane::onViewportChanged() {
    repaintTraffic();
    // The legend shows the zoom, not the time: no need to repaint it as time moves.
    if (m_viewport->spanUs() != m_legendSpanUs) {
        m_legendSpanUs = m_viewport->spanUs();
        m_legend->update();
    }
}
