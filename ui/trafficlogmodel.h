#pragma once

#include "pattern.h"
#include "trafficevent.h"

#include <QtCore/QAbstractTableModel>

#include <deque>
#include <vector>

class QIODevice;

// One row of the traffic log: a TrafficEvent without its message bodies.
struct TrafficLogRow {
    qint64 timeUs = 0;
    PushLab::Pattern pattern = PushLab::Pattern::ShortPoll;
    TrafficEvent::Kind kind = TrafficEvent::Kind::RequestSent;
    quint64 requestId = 0;
    int status = 0;
    qint64 bytes = 0;
    int messageCount = 0;
    quint64 firstId = 0;
    quint64 lastId = 0;
    qint64 minLatencyUs = 0;
    qint64 maxLatencyUs = 0;
    QString text;   // first message's text, cut to TextLimit characters
    QString detail; // error, stop reason, SSE event type, reconnect delay
};

using PatternSet = PushLab::PatternMap<bool>; // shown or not, per pattern
inline constexpr PatternSet allPatternsShown = [] {
    PatternSet shown;
    for (bool &s : shown)
        s = true;
    return shown;
}();

// Every traffic event as a table row, newest last. Bounded to maxRows() (oldest dropped).
// append() only queues: flush() inserts the queued rows in one batch, so a flood of events
// costs the views one update per flush, not one per event.
class TrafficLogModel final : public QAbstractTableModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TrafficLogModel)

public:
    enum Column {
        TimeColumn,
        PatternColumn,
        EventColumn,
        RequestColumn,
        StatusColumn,
        BytesColumn,
        MessagesColumn,
        LatencyColumn,
        DetailColumn,
        ColumnCount
    };
    enum Role { PatternRole = Qt::UserRole + 1, TimeUsRole };
    static constexpr int DefaultMaxRows = 20'000;
    static constexpr int TextLimit = 120;

    explicit TrafficLogModel(QObject *parent = nullptr);

    void append(const TrafficEvent &event);
    void flush();
    void clear();
    void setMaxRows(int rows);
    int maxRows() const { return m_maxRows; }
    int pendingCount() const { return int(m_pending.size()); }

    const TrafficLogRow &row(int r) const { return m_rows[size_t(r)]; }

    // Export the rows whose pattern is in `shown` (pending rows are flushed first by callers).
    bool writeCsv(QIODevice &out, const PatternSet &shown = allPatternsShown) const;
    bool writeJson(QIODevice &out, const PatternSet &shown = allPatternsShown) const;

    static QString kindName(TrafficEvent::Kind kind); // "Request sent", "Response", ...

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QString displayText(const TrafficLogRow &row, int column) const;

    std::deque<TrafficLogRow> m_rows;
    std::vector<TrafficLogRow> m_pending;
    int m_maxRows = DefaultMaxRows;
};
