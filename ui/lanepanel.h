#pragma once

#include "latencysummary.h"
#include "pattern.h"

#include <QtWidgets/QFrame>

#include <array>

class QLabel;
class QSpinBox;
class QToolButton;

// The left end of a lane: its name and colour, its one setting (short-poll interval,
// long-poll timeout, SSE reconnect delay), start/stop, and its counts from LatencyStats.
class LanePanel final : public QFrame {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LanePanel)

public:
    static constexpr int PanelWidth = 330;

    explicit LanePanel(PushLab::Pattern pattern, QWidget *parent = nullptr);

    PushLab::Pattern pattern() const { return m_pattern; }
    // The setting's value: interval ms (short), timeout s (long), reconnect ms (SSE, 0 = server's).
    int setting() const;
    void setSetting(int value);
    void setRunning(bool running);
    // For SSE: the delay in force now, shown when the setting is "server's".
    void setServerReconnectMs(int ms);
    void setSummary(const LatencySummary &summary);
    // The counts as shown, for tests: "messages", "requests", "empty", "p50", ...
    QString countText(const QString &key) const;

    QSize sizeHint() const override;

Q_SIGNALS:
    void settingChanged(int value);
    void startStopClicked(bool start);

private:
    QLabel *addCount(const QString &key, const QString &title);
    static QString serverRetryText(int ms);

    PushLab::Pattern m_pattern = PushLab::Pattern::ShortPoll;
    QSpinBox *m_setting = nullptr;       // child
    QToolButton *m_startStop = nullptr;  // child
    std::array<QLabel *, 5> m_latency{}; // children: min, p50, p95, p99, max
    QLabel *m_latencyUnit = nullptr;     // child
    QHash<QString, QLabel *> m_counts;   // children
    bool m_running = false;
};
