#pragma once

#include "pattern.h"
#include "trafficevent.h"

#include <QtCore/QAbstractTableModel>

#include <deque>
#include <optional>

// One row per message, newest first: how long each pattern took to deliver it, how many
// requests each spent on it, and which pattern was first and by how much. This is the
// "who won" answer to the question the window exists for. Bounded to maxRows().
class MessageRaceModel final : public QAbstractTableModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MessageRaceModel)

public:
    // One column per pattern, in allPatterns order, between the text and the winner.
    enum Column : int {
        IdColumn,
        TextColumn,
        FirstPatternColumn,
        FirstColumn = FirstPatternColumn + int(PushLab::patternCount),
        ColumnCount
    };
    enum Role { LatencyUsRole = Qt::UserRole + 1, RequestsRole, WinnerRole };
    static constexpr int DefaultMaxRows = 500;

    static constexpr PushLab::PatternMap<qint64> notDelivered() {
        PushLab::PatternMap<qint64> latencies;
        for (qint64 &l : latencies)
            l = -1;
        return latencies;
    }

    struct Row {
        quint64 id = 0;
        QString text;
        qint64 publishedAtUs = 0;
        PushLab::PatternMap<qint64> latencyUs = notDelivered(); // -1 = not delivered (yet)
        PushLab::PatternMap<int> requests; // requests sent since that lane's last delivery
        std::optional<PushLab::Pattern> winner() const;
        // How far ahead the winner was of the next pattern to deliver (-1 = none yet).
        qint64 leadUs() const;
    };

    explicit MessageRaceModel(QObject *parent = nullptr);

    void addPublished(const DeliveredMessage &message);
    void addTrafficEvent(const TrafficEvent &event);
    void clear();
    int maxRows() const { return m_maxRows; }
    void setMaxRows(int rows);

    const Row &row(int r) const { return m_rows[size_t(r)]; }
    static int columnFor(PushLab::Pattern p) {
        return FirstPatternColumn + int(PushLab::patternOrdinal(p));
    }
    // The pattern a column shows; nullopt for the other columns.
    static std::optional<PushLab::Pattern> patternAt(int column);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    // The row of id, inserted (at its sorted place) when new; -1 when too old to keep.
    int ensureRow(const DeliveredMessage &message);
    void trim();

    std::deque<Row> m_rows; // ordered by id, newest (highest) first
    PushLab::PatternMap<int> m_requestsSinceDelivery;
    int m_maxRows = DefaultMaxRows;
};
