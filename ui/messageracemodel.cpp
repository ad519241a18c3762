#include "messageracemodel.h"

#include "patterntheme.h"
#include "units.h"

#include <QtGui/QBrush>
#include <QtGui/QFont>

#include <algorithm>
#include <cmath>

using PushLab::Pattern;
using Kind = TrafficEvent::Kind;

std::optional<Pattern> MessageRaceModel::Row::winner() const {
    std::optional<Pattern> best;
    for (Pattern p : PushLab::allPatterns) {
        const qint64 l = latencyUs[p];
        if (l >= 0 && (!best || l < latencyUs[*best]))
            best = p;
    }
    return best;
}

qint64 MessageRaceModel::Row::leadUs() const {
    const auto w = winner();
    if (!w)
        return -1;
    const qint64 first = latencyUs[*w];
    qint64 second = -1;
    for (Pattern p : PushLab::allPatterns) {
        const qint64 l = latencyUs[p];
        if (p != *w && l >= 0 && (second < 0 || l < second))
            second = l;
    }
    return second < 0 ? -1 : second - first;
}

qint64 MessageRaceModel::tieThresholdUs(qint64 winnerLatencyUs) {
    return std::max(TieFloorUs, qint64(std::llround(TieRelative *
                                                    double(std::max<qint64>(0, winnerLatencyUs)))));
}

std::vector<Pattern> MessageRaceModel::Row::tied() const {
    std::vector<Pattern> out;
    const auto w = winner();
    if (!w)
        return out;
    const qint64 first = latencyUs[*w];
    const qint64 threshold = tieThresholdUs(first);
    for (Pattern p : PushLab::allPatterns) {
        if (latencyUs[p] >= 0 && latencyUs[p] - first < threshold)
            out.push_back(p);
    }
    std::stable_sort(out.begin(), out.end(),
                     [this](Pattern a, Pattern b) { return latencyUs[a] < latencyUs[b]; });
    return out;
}

MessageRaceModel::MessageRaceModel(QObject *parent)
    : QAbstractTableModel(parent) {}

std::optional<Pattern> MessageRaceModel::patternAt(int column) {
    const int i = column - FirstPatternColumn;
    if (i < 0 || i >= int(PushLab::patternCount))
        return std::nullopt;
    return PushLab::allPatterns[size_t(i)];
}

void MessageRaceModel::addPublished(const DeliveredMessage &message) {
    ensureRow(message);
}

void MessageRaceModel::setRunFirstId(quint64 firstId) {
    if (firstId == m_runFirstId)
        return;
    m_runFirstId = firstId;
    if (!m_rows.empty())
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

void MessageRaceModel::setRunFrom(const ServerStats &stats) {
    const auto published = quint64(std::max<qint64>(0, stats.messagesPublished));
    // Ids are a run's start time in µs plus a count: a first id below 1e12 is no such id.
    const bool known =
        stats.lastId + 1 > published && stats.lastId + 1 - published > 1'000'000'000'000;
    setRunFirstId(known ? stats.lastId + 1 - published : 0);
}

QString MessageRaceModel::displayId(quint64 id) const {
    if (m_runFirstId == 0 || id < m_runFirstId)
        return QStringLiteral("#") + QString::number(id);
    return QStringLiteral("#") + QString::number(id - m_runFirstId + 1);
}

void MessageRaceModel::addTrafficEvent(const TrafficEvent &event) {
    const Pattern lane = event.pattern;
    if (event.kind == Kind::RequestSent) {
        ++m_requestsSinceDelivery[lane];
        return;
    }
    if (event.kind != Kind::ResponseReceived && event.kind != Kind::EventReceived)
        return;
    quint64 firstOfAnswer = 0; // the first message this answer brought to this lane
    for (const DeliveredMessage &m : event.messages) {
        const int r = ensureRow(m);
        if (r < 0)
            continue;
        Row &row = m_rows[size_t(r)];
        if (row.latencyUs[lane] >= 0)
            continue; // a duplicate: the first delivery is the one that counts
        row.latencyUs[lane] = event.timeUs - m.publishedAtUs;
        // The requests spent waiting go to the first message they brought.
        row.requests[lane] = m_requestsSinceDelivery[lane];
        row.sameAnswerAs[lane] = firstOfAnswer;
        if (firstOfAnswer == 0)
            firstOfAnswer = m.id;
        m_requestsSinceDelivery[lane] = 0;
        // Every lane column: a new latency can make or break a tie (bold).
        Q_EMIT dataChanged(index(r, FirstPatternColumn), index(r, FirstColumn));
    }
}

void MessageRaceModel::clear() {
    beginResetModel();
    m_rows.clear();
    m_requestsSinceDelivery = {};
    endResetModel();
}

void MessageRaceModel::setMaxRows(int rows) {
    m_maxRows = std::max(1, rows);
    trim();
}

int MessageRaceModel::ensureRow(const DeliveredMessage &message) {
    // Newest first, so a new message is nearly always row 0.
    auto it = std::lower_bound(m_rows.begin(), m_rows.end(), message.id,
                               [](const Row &r, quint64 id) { return r.id > id; });
    const int r = int(it - m_rows.begin());
    if (it != m_rows.end() && it->id == message.id)
        return r;
    if (r >= m_maxRows)
        return -1; // older than anything we keep
    Row row;
    row.id = message.id;
    row.text = message.text;
    row.publishedAtUs = message.publishedAtUs;
    beginInsertRows({}, r, r);
    m_rows.insert(it, std::move(row));
    endInsertRows();
    trim();
    return r;
}

void MessageRaceModel::trim() {
    if (m_rows.size() <= size_t(m_maxRows))
        return;
    beginRemoveRows({}, m_maxRows, int(m_rows.size()) - 1);
    m_rows.erase(m_rows.begin() + m_maxRows, m_rows.end());
    endRemoveRows();
}

int MessageRaceModel::rowCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : int(m_rows.size());
}

int MessageRaceModel::columnCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QString MessageRaceModel::laneText(const Row &r, Pattern lane) const {
    if (r.latencyUs[lane] < 0)
        return QStringLiteral("—");
    // Short: the column is narrow, the tooltip says the rest. A 16-digit id would not fit.
    QString how;
    if (r.sameAnswerAs[lane] != 0)
        how = m_runFirstId ? tr("same answer as %1").arg(displayId(r.sameAnswerAs[lane]))
                           : tr("same answer");
    else if (r.requests[lane] == 0)
        how = noRequestText(lane);
    else
        how = tr("%n req", nullptr, r.requests[lane]);
    return QString(Units::duration(r.latencyUs[lane]) + QStringLiteral(" · ") + how);
}

QString MessageRaceModel::noRequestText(Pattern lane) {
    switch (lane) {
    case Pattern::ServerSentEvents:
        return tr("open stream");
    case Pattern::WebSocket:
        return tr("open socket");
    case Pattern::ShortPoll:
    case Pattern::LongPoll:
        break; // a poll's delivery always follows a request: not seen
    }
    return tr("no new request");
}

QString MessageRaceModel::laneToolTip(const Row &r, Pattern lane) const {
    const QString name = PushLab::patternName(lane);
    if (r.latencyUs[lane] < 0)
        return tr("%1: not delivered yet").arg(name);
    const QString latency = Units::duration(r.latencyUs[lane]);
    if (r.sameAnswerAs[lane] != 0)
        return tr("%1: delivered %2 after publishing, in the same answer as message %3: the "
                  "requests that answer cost are counted on %3")
            .arg(name, latency, displayId(r.sameAnswerAs[lane]));
    if (r.requests[lane] == 0)
        return tr("%1: delivered %2 after publishing over the connection that was already open: "
                  "no request was sent for it")
            .arg(name, latency);
    return tr("%1: delivered %2 after publishing; %n request(s) sent since its previous "
              "delivery",
              nullptr, r.requests[lane])
        .arg(name, latency);
}

QString MessageRaceModel::winnerText(const Row &r) const {
    const auto winner = r.winner();
    if (!winner)
        return tr("waiting…");
    const std::vector<Pattern> tied = r.tied();
    if (tied.size() > 1) {
        QStringList names;
        for (Pattern p : tied)
            names.append(PushLab::patternName(p));
        return tr("tie: %1").arg(names.join(QStringLiteral(", ")));
    }
    const qint64 lead = r.leadUs();
    if (lead < 0)
        return PushLab::patternName(*winner);
    return tr("%1, %2 ahead").arg(PushLab::patternName(*winner), Units::duration(lead));
}

QVariant MessageRaceModel::data(const QModelIndex &index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &r = m_rows[size_t(index.row())];
    const int column = index.column();
    const std::optional<Pattern> lane = patternAt(column);
    const bool isLane = lane.has_value();
    const auto winner = r.winner();
    const auto isTied = [&r](Pattern p) {
        const std::vector<Pattern> t = r.tied();
        return std::find(t.begin(), t.end(), p) != t.end();
    };

    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case IdColumn:
            return displayId(r.id);
        case TextColumn:
            return r.text.left(200);
        case FirstColumn:
            return winnerText(r);
        default:
            return lane ? QVariant(laneText(r, *lane)) : QVariant();
        }
    case Qt::ToolTipRole:
        if (column == IdColumn)
            return tr("Message id %1. The server numbers a run's messages from the time it "
                      "started (µs since 1970), so ids never repeat across restarts.")
                .arg(r.id);
        if (column == TextColumn)
            return r.text.left(2000);
        if (isLane)
            return laneToolTip(r, *lane);
        if (column == FirstColumn && winner)
            return tr("A lead under %1 (or under %2 % of the winner's latency, whichever is "
                      "more) is a tie: below that the window cannot tell who was first, since "
                      "it reads the lanes one after another.")
                .arg(Units::duration(TieFloorUs))
                .arg(TieRelative * 100);
        return {};
    case Qt::ForegroundRole:
        if (isLane && r.latencyUs[*lane] >= 0)
            return QBrush(PatternTheme::color(*lane));
        if (column == FirstColumn && winner && !r.isTie())
            return QBrush(PatternTheme::color(*winner));
        return {};
    case Qt::FontRole:
        if ((isLane && winner && isTied(*lane)) || (column == FirstColumn && winner)) {
            QFont f;
            f.setBold(true);
            return f;
        }
        return {};
    case Qt::TextAlignmentRole:
        return int((isLane || column == IdColumn ? Qt::AlignRight : Qt::AlignLeft) |
                   Qt::AlignVCenter);
    case LatencyUsRole:
        return isLane ? QVariant(r.latencyUs[*lane]) : QVariant();
    case RequestsRole:
        return isLane ? QVariant(r.requests[*lane]) : QVariant();
    case WinnerRole:
        // Only a real win: a tie has no winner.
        return winner && !r.isTie() ? QVariant::fromValue(*winner) : QVariant();
    default:
        return {};
    }
}

QVariant MessageRaceModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal)
        return {};
    const std::optional<Pattern> lane = patternAt(section);
    if (role == Qt::ForegroundRole && lane)
        return QBrush(PatternTheme::color(*lane));
    if (role == Qt::ToolTipRole && section == IdColumn)
        return tr("The server's message id. A run's first id is the moment it started, in µs "
                  "since 1970, and each message adds 1: ids never repeat across restarts.");
    if (role == Qt::ToolTipRole && section == FirstColumn)
        return tr("The pattern that delivered first and its lead over the next. A lead under "
                  "%1, or under %2 % of the winner's latency, is a tie: the window reads the "
                  "lanes one after another and cannot tell who was first.")
            .arg(Units::duration(TieFloorUs))
            .arg(TieRelative * 100);
    if (role != Qt::DisplayRole)
        return {};
    if (lane)
        return PushLab::patternName(*lane);
    switch (section) {
    case IdColumn:
        return tr("Id");
    case TextColumn:
        return tr("Message");
    case FirstColumn:
        return tr("First to arrive");
    }
    return {};
}
