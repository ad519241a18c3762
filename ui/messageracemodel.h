#pragma once

#include "pattern.h"
#include "serverstats.h"
#include "trafficevent.h"

#include <QtCore/QAbstractTableModel>

#include <deque>
#include <optional>
#include <vector>

// One row per message, newest first: how long each pattern took to deliver it, how many
// requests each spent on it, and which pattern was first and by how much, or that it was a tie
// (see TieFloorUs). This is the "who won" answer to the question the window exists for.
// Bounded to maxRows().
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

    // The tie rule. A lead below the measurement's resolution is no result. Both clocks tick
    // in µs, but a receive time is stamped when the window's one event loop reads that lane's
    // socket: lanes whose news arrived together are read one after another, and a timeline
    // paint (~1 ms, docs/window.md) or any other handler in between delays the later ones.
    // Measured (bench_window, loopback, 10 msg/s for 60 s): the lead of the first lane over
    // the second was 0.14 ms at p50 and 0.38 ms at p90. So 1 ms is the floor. Above it,
    // timers and the network lab's link delays scale with the latency (Qt's default coarse
    // timers may fire up to 5 % late): a lead under 5 % of the winner's latency is a tie too.
    static constexpr qint64 TieFloorUs = 1'000;
    static constexpr double TieRelative = 0.05;
    // The smallest lead that names a winner, for a winner that took winnerLatencyUs.
    static qint64 tieThresholdUs(qint64 winnerLatencyUs);

    struct Row {
        quint64 id = 0;
        QString text;
        qint64 publishedAtUs = 0;
        PushLab::PatternMap<qint64> latencyUs = notDelivered(); // -1 = not delivered (yet)
        PushLab::PatternMap<int> requests; // requests sent since that lane's last delivery
        // The first message of the answer (or event) that also brought this one; 0 when this
        // one came first in its answer (and so was charged the requests).
        PushLab::PatternMap<quint64> sameAnswerAs;
        // The fastest lane, measured (a tie included: see tied()).
        std::optional<PushLab::Pattern> winner() const;
        // How far ahead the winner was of the next pattern to deliver (-1 = none yet).
        qint64 leadUs() const;
        // The lanes within tieThresholdUs of the winner, fastest first: one lane = a real win;
        // two or more = a tie among them.
        std::vector<PushLab::Pattern> tied() const;
        bool isTie() const { return tied().size() > 1; }
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

    // The server's first message id in this run (ServerStats: lastId - messagesPublished + 1).
    // Ids are the run's start time in µs plus a count; once known, ids are shown as "#N", the
    // message's number in the run. 0 = unknown: "#" and the full id.
    void setRunFirstId(quint64 firstId);
    // The same from the server's /api/stats (lastId - messagesPublished + 1); a server that does
    // not report both leaves ids in full.
    void setRunFrom(const ServerStats &stats);
    QString displayId(quint64 id) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    // The row of id, inserted (at its sorted place) when new; -1 when too old to keep.
    int ensureRow(const DeliveredMessage &message);
    void trim();
    QString laneText(const Row &r, PushLab::Pattern lane) const;
    static QString noRequestText(PushLab::Pattern lane);
    QString laneToolTip(const Row &r, PushLab::Pattern lane) const;
    QString winnerText(const Row &r) const;

    std::deque<Row> m_rows; // ordered by id, newest (highest) first
    PushLab::PatternMap<int> m_requestsSinceDelivery;
    quint64 m_runFirstId = 0;
    int m_maxRows = DefaultMaxRows;
};
