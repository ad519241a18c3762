#pragma once

#include "linkconditions.h"
#include "pattern.h"

#include <QtWidgets/QWidget>

#include <optional>

class QCheckBox;
class QComboBox;
class QLabel;
class QPushButton;
class QToolButton;
struct TrafficEvent;

// The network lab's controls: one link for every lane (a fair race) or one per lane, each a
// preset picked in one click with its figures shown, "Drop now", and what the link last did.
class LinkBar final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LinkBar)

public:
    explicit LinkBar(QWidget *parent = nullptr);

    // A LinkPreset key, or "direct" (no lab: straight to the server). For every lane.
    void setPreset(const QString &key);
    void setPreset(PushLab::Pattern p, const QString &key);
    QString presetKey(PushLab::Pattern p) const;
    bool isPerLane() const;
    void setPerLane(bool perLane);
    // Keeps the status line: what the link did last, and why a held stream looks dead.
    void noteLinkEvent(const TrafficEvent &event);
    QString statusText() const;
    // The guided tour's explanation of what to watch (replaces the status line).
    void showLesson(const QString &text);

    static QString directKey() { return QStringLiteral("direct"); }

Q_SIGNALS:
    // nullopt: the lane goes straight to the server.
    void linkChosen(PushLab::Pattern pattern, const std::optional<LinkConditions> &conditions);
    void dropRequested();
    void tourRequested(int scenario); // a LabTour::scenarios() index

private:
    void fillPresets(QComboBox *box) const;
    void emitChoice(PushLab::Pattern p);
    // Every lane takes the shared menu's link.
    void followSharedChoice();
    void updateTexts();

    QComboBox *m_all = nullptr;               // child
    QCheckBox *m_perLane = nullptr;           // child
    QWidget *m_laneRow = nullptr;             // child
    PushLab::PatternMap<QComboBox *> m_lanes; // children of m_laneRow
    QLabel *m_figures = nullptr;              // child
    QPushButton *m_drop = nullptr;            // child
    QToolButton *m_tour = nullptr;            // child
    QLabel *m_status = nullptr;               // child
    QString m_lesson;                         // the tour's, while its link is on
    QString m_lastEvent;                      // what the link did last, explained
};
