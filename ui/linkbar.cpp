#include "linkbar.h"

#include "labtour.h"
#include "linkpreset.h"
#include "patterntheme.h"
#include "trafficevent.h"

#include <QtWidgets/QCheckBox>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QMenu>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QToolButton>
#include <QtWidgets/QVBoxLayout>

using PushLab::Pattern;

namespace {

std::optional<LinkConditions> conditionsFor(const QString &key) {
    if (const LinkPreset *preset = LinkPreset::find(key))
        return preset->conditions;
    return std::nullopt;
}

} // namespace

LinkBar::LinkBar(QWidget *parent)
    : QWidget(parent) {
    auto *column = new QVBoxLayout(this);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(2);

    auto *row = new QHBoxLayout;
    row->setSpacing(8);
    auto *title = new QLabel(tr("<b>Network lab</b>"), this);
    title->setToolTip(tr("A simulated link between each lane's client and the server: a relay "
                         "in this process adds latency, bandwidth limits, loss and faults, so "
                         "the patterns' real differences show"));
    row->addWidget(title);
    m_all = new QComboBox(this);
    m_all->setObjectName(QStringLiteral("linkPreset"));
    fillPresets(m_all);
    row->addWidget(m_all);
    m_perLane = new QCheckBox(tr("Per lane"), this);
    m_perLane->setToolTip(tr("A link of its own for each lane (unticked: one link for all, a "
                             "fair race)"));
    row->addWidget(m_perLane);
    m_figures = new QLabel(this);
    m_figures->setTextInteractionFlags(Qt::TextSelectableByMouse);
    row->addWidget(m_figures, 1);
    m_drop = new QPushButton(tr("Drop now"), this);
    m_drop->setToolTip(tr("Reset every connection on the link now, as a lost signal would: "
                          "watch how each pattern recovers, and whether anything is missed"));
    row->addWidget(m_drop);
    m_tour = new QToolButton(this);
    m_tour->setText(tr("Tour"));
    m_tour->setToolTip(tr("Scenarios that each show one lesson, one click away"));
    m_tour->setPopupMode(QToolButton::InstantPopup);
    auto *tourMenu = new QMenu(m_tour);
    const QList<LabTour::Scenario> &scenarios = LabTour::scenarios();
    for (int i = 0; i < scenarios.size(); ++i) {
        QAction *action = tourMenu->addAction(scenarios[i].title);
        action->setToolTip(scenarios[i].lesson);
        connect(action, &QAction::triggered, this, [this, i] { Q_EMIT tourRequested(i); });
    }
    m_tour->setMenu(tourMenu);
    row->addWidget(m_tour);
    column->addLayout(row);

    m_laneRow = new QWidget(this);
    auto *lanes = new QHBoxLayout(m_laneRow);
    lanes->setContentsMargins(0, 0, 0, 0);
    for (Pattern p : PushLab::allPatterns) {
        auto *label = new QLabel(PushLab::patternName(p), m_laneRow);
        label->setStyleSheet(
            QStringLiteral("color: %1; font-weight: bold").arg(PatternTheme::color(p).name()));
        lanes->addWidget(label);
        m_lanes[p] = new QComboBox(m_laneRow);
        fillPresets(m_lanes[p]);
        lanes->addWidget(m_lanes[p]);
        connect(m_lanes[p], &QComboBox::currentIndexChanged, this, [this, p] {
            if (isPerLane())
                emitChoice(p);
            updateTexts();
        });
    }
    lanes->addStretch(1);
    m_laneRow->hide();
    column->addWidget(m_laneRow);

    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    m_status->setTextFormat(Qt::PlainText);
    m_status->setObjectName(QStringLiteral("linkStatus"));
    column->addWidget(m_status);

    connect(m_all, &QComboBox::currentIndexChanged, this, [this] {
        if (!isPerLane())
            followSharedChoice();
        m_lesson.clear();
        m_lastEvent.clear();
        updateTexts();
    });
    connect(m_perLane, &QCheckBox::toggled, this, [this](bool perLane) {
        m_laneRow->setVisible(perLane);
        m_all->setEnabled(!perLane);
        if (!perLane)
            followSharedChoice(); // back to one link for all
        updateTexts();
    });
    connect(m_drop, &QPushButton::clicked, this, &LinkBar::dropRequested);
    updateTexts();
}

void LinkBar::fillPresets(QComboBox *box) const {
    box->addItem(tr("Direct (no lab)"), directKey());
    box->setItemData(0, tr("Straight to the server over loopback: no relay"), Qt::ToolTipRole);
    for (const LinkPreset &preset : LinkPreset::all()) {
        box->addItem(preset.name, preset.key);
        box->setItemData(box->count() - 1,
                         QString(preset.conditions.summary() + u'\n' + preset.lesson),
                         Qt::ToolTipRole);
    }
}

void LinkBar::setPreset(const QString &key) {
    setPerLane(false);
    const int index = m_all->findData(key);
    if (index >= 0)
        m_all->setCurrentIndex(index);
}

void LinkBar::setPreset(Pattern p, const QString &key) {
    setPerLane(true);
    const int index = m_lanes[p]->findData(key);
    if (index >= 0)
        m_lanes[p]->setCurrentIndex(index);
}

QString LinkBar::presetKey(Pattern p) const {
    return m_lanes[p]->currentData().toString();
}

bool LinkBar::isPerLane() const {
    return m_perLane->isChecked();
}

void LinkBar::setPerLane(bool perLane) {
    m_perLane->setChecked(perLane);
}

void LinkBar::followSharedChoice() {
    for (Pattern p : PushLab::allPatterns) {
        const QSignalBlocker block(m_lanes[p]);
        m_lanes[p]->setCurrentIndex(m_all->currentIndex());
        emitChoice(p);
    }
}

void LinkBar::emitChoice(Pattern p) {
    Q_EMIT linkChosen(p, conditionsFor(presetKey(p)));
}

void LinkBar::updateTexts() {
    QStringList status;
    for (const QString &line : {m_lesson, m_lastEvent}) {
        if (!line.isEmpty())
            status.append(line);
    }
    m_status->setText(status.join(u'\n'));
    m_status->setVisible(!status.isEmpty());
    bool anyLab = false;
    for (Pattern p : PushLab::allPatterns)
        anyLab = anyLab || presetKey(p) != directKey();
    m_drop->setEnabled(anyLab);
    if (isPerLane()) {
        m_figures->setText(tr("each lane's figures are in its menu's tooltip"));
        return;
    }
    const LinkPreset *preset = LinkPreset::find(m_all->currentData().toString());
    m_figures->setText(preset ? QStringLiteral("%1 — <i>%2</i>")
                                    .arg(preset->conditions.summary().toHtmlEscaped(),
                                         preset->lesson.toHtmlEscaped())
                              : tr("no lab: every lane talks to the server over loopback, where "
                                   "long poll and SSE look alike; pick a link to see them differ"));
}

void LinkBar::noteLinkEvent(const TrafficEvent &event) {
    QString text = QStringLiteral("%1: %2").arg(PushLab::patternName(event.pattern), event.detail);
    if (event.eventType == QLatin1String(LinkEventType::proxyHold))
        text += tr(" — the stream looks dead though the server sent every event: it asked "
                   "proxies not to buffer (X-Accel-Buffering: no) and this one ignores that, as "
                   "corporate and antivirus proxies do. Polls end their responses, so they pass.");
    else if (event.eventType == QLatin1String(LinkEventType::idleCut))
        text += tr(" — a heartbeat shorter than the proxy's timeout keeps a stream alive; a long "
                   "poll must time out sooner than the proxy does.");
    m_lastEvent = text;
    updateTexts();
}

void LinkBar::showLesson(const QString &text) {
    m_lesson = text;
    updateTexts();
}

QString LinkBar::statusText() const {
    return m_status->text();
}
