#pragma once

#include <QtWidgets/QWidget>

class QTableView;
class TrafficLogFilterModel;
class TrafficLogModel;

// The "Traffic log" tab: a check box per pattern (the filter, which the export obeys too) over
// the table of every traffic event.
class TrafficLogPane final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TrafficLogPane)

public:
    TrafficLogPane(TrafficLogModel *log, TrafficLogFilterModel *filter, QWidget *parent = nullptr);

    // Inserts the queued rows; a view scrolled to the bottom stays there (follows the log).
    void flushFollowing();

private:
    TrafficLogModel *m_log = nullptr;
    TrafficLogFilterModel *m_filter = nullptr;
    QTableView *m_view = nullptr; // child
};
