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
// Every latency figure carries its sample count; a percentile shows only from enough samples.
class LanePanel final : public QFrame {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LanePanel)

public:
    static constexpr int PanelWidth = 330;
    // The sample counts from which p95 and p99 are shown. LatencyStats takes the sample of rank
    // ceil(q * n): below 20 samples p95 is the maximum again, below 100 p99 is; a figure that
    // only repeats "max" under another name would claim a tail the run has not measured.
    static constexpr qint64 MinSamplesP95 = 20;
    static constexpr qint64 MinSamplesP99 = 100;

    explicit LanePanel(PushLab::Pattern pattern, QWidget *parent = nullptr);

    PushLab::Pattern pattern() const { return m_pattern; }
    // The setting's value: interval ms (short), timeout s (long), reconnect ms (SSE, 0 = server's).
    int setting() const;
    void setSetting(int value);
    void setRunning(bool running);
    // For SSE: the delay in force now, shown when the setting is "server's".
    void setServerReconnectMs(int ms);
    void setSummary(const LatencySummary &summary);
    // The counts as shown, for tests: "messages", "requests", "empty", "reqPerMsg",
    // "bytesPerMsg", "problems", and the latency row: "n", "min", "p50", "p95", "p99", "max".
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
    QLabel *m_latencyCount = nullptr;    // child: "n=…"
    QHash<QString, QLabel *> m_counts;   // children
    bool m_running = false;
};
