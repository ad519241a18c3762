#include "messageracemodel.h"

#include "patterntheme.h"
#include "units.h"

#include <QtGui/QBrush>
#include <QtGui/QFont>

#include <algorithm>

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

void MessageRaceModel::addTrafficEvent(const TrafficEvent &event) {
    const Pattern lane = event.pattern;
    if (event.kind == Kind::RequestSent) {
        ++m_requestsSinceDelivery[lane];
        return;
    }
    if (event.kind != Kind::ResponseReceived && event.kind != Kind::EventReceived)
        return;
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
        m_requestsSinceDelivery[lane] = 0;
        Q_EMIT dataChanged(index(r, columnFor(event.pattern)), index(r, FirstColumn));
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

QVariant MessageRaceModel::data(const QModelIndex &index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &r = m_rows[size_t(index.row())];
    const int column = index.column();
    const std::optional<Pattern> lane = patternAt(column);
    const bool isLane = lane.has_value();
    const auto winner = r.winner();

    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case IdColumn:
            return QString::number(r.id);
        case TextColumn:
            return r.text.left(200);
        case FirstColumn: {
            if (!winner)
                return tr("waiting…");
            const qint64 lead = r.leadUs();
            if (lead < 0)
                return PushLab::patternName(*winner);
            return tr("%1, %2 ahead").arg(PushLab::patternName(*winner), Units::duration(lead));
        }
        default:
            if (!lane)
                return {};
            if (r.latencyUs[*lane] < 0)
                return QStringLiteral("—");
            return QString(Units::duration(r.latencyUs[*lane]) + QStringLiteral(" · ") +
                           tr("%n req", nullptr, r.requests[*lane]));
        }
    case Qt::ToolTipRole:
        if (column == TextColumn)
            return r.text.left(2000);
        if (isLane)
            return tr("%1: delivered %2 after publishing; %3 request(s) sent since its "
                      "previous delivery")
                .arg(PushLab::patternName(*lane),
                     r.latencyUs[*lane] < 0 ? tr("not yet") : Units::duration(r.latencyUs[*lane]))
                .arg(r.requests[*lane]);
        return {};
    case Qt::ForegroundRole:
        if (isLane && r.latencyUs[*lane] >= 0)
            return QBrush(PatternTheme::color(*lane));
        if (column == FirstColumn && winner)
            return QBrush(PatternTheme::color(*winner));
        return {};
    case Qt::FontRole:
        if ((isLane && winner && *winner == *lane) || (column == FirstColumn && winner)) {
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
        return winner ? QVariant::fromValue(*winner) : QVariant();
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
