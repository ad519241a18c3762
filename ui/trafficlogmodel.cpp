#include "trafficlogmodel.h"

#include "patterntheme.h"
#include "units.h"

#include <QtCore/QDateTime>
#include <QtCore/QIODevice>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtGui/QBrush>

#include <algorithm>

using PushLab::Pattern;
using Kind = TrafficEvent::Kind;

namespace {

QString formatTime(qint64 us) {
    return QDateTime::fromMSecsSinceEpoch(us / 1000).toString(QStringLiteral("HH:mm:ss.zzz"));
}

// A CSV cell in milliseconds: a plain number (the unit is in the column's name).
QByteArray csvMs(qint64 us) {
    return QByteArray::number(double(us) / 1000.0, 'f', 2);
}

QString idRange(const TrafficLogRow &r) {
    if (r.messageCount == 0)
        return {};
    if (r.messageCount == 1)
        return QStringLiteral("#%1").arg(r.firstId);
    return QStringLiteral("%1 × #%2…%3").arg(r.messageCount).arg(r.firstId).arg(r.lastId);
}

// RFC 4180 quoting; a cell a spreadsheet would run as a formula gets a leading apostrophe
// (message texts come from anyone who can reach the server).
QByteArray csvField(const QString &s, bool untrusted = false) {
    QString v = s;
    if (untrusted && !v.isEmpty() && QStringView(u"=+-@\t\r").contains(v.front()))
        v.prepend(QLatin1Char('\''));
    if (v.contains(QLatin1Char(',')) || v.contains(QLatin1Char('"')) ||
        v.contains(QLatin1Char('\n')) || v.contains(QLatin1Char('\r'))) {
        v.replace(QLatin1String("\""), QLatin1String("\"\""));
        v = QLatin1Char('"') + v + QLatin1Char('"');
    }
    return v.toUtf8();
}

} // namespace

TrafficLogModel::TrafficLogModel(QObject *parent)
    : QAbstractTableModel(parent) {}

void TrafficLogModel::append(const TrafficEvent &event) {
    TrafficLogRow r;
    r.timeUs = event.timeUs;
    r.pattern = event.pattern;
    r.kind = event.kind;
    r.requestId = event.requestId;
    r.status = event.status;
    r.bytes = event.bytes;
    r.messageCount = int(event.messages.size());
    if (!event.messages.isEmpty()) {
        r.firstId = event.messages.front().id;
        r.lastId = event.messages.back().id;
        r.minLatencyUs = r.maxLatencyUs = event.timeUs - event.messages.front().publishedAtUs;
        for (const DeliveredMessage &m : event.messages) {
            const qint64 l = event.timeUs - m.publishedAtUs;
            r.minLatencyUs = std::min(r.minLatencyUs, l);
            r.maxLatencyUs = std::max(r.maxLatencyUs, l);
        }
        // left() shares the string when it is short enough: no copy per row.
        r.text = event.messages.front().text.left(TextLimit);
    }
    switch (event.kind) {
    case Kind::EventReceived:
        r.detail = QStringLiteral("event: ") + event.eventType;
        if (event.messages.isEmpty() && !event.data.isEmpty())
            r.detail += QStringLiteral(" ") + event.data.left(TextLimit);
        break;
    case Kind::ReconnectScheduled:
        r.detail = QStringLiteral("in ") + Units::milliseconds(event.delayMs);
        if (!event.detail.isEmpty())
            r.detail += QStringLiteral(" — ") + event.detail.left(TextLimit);
        break;
    default:
        r.detail = event.detail.left(TextLimit);
        break;
    }
    // A runaway producer between flushes must not grow the queue without bound either.
    if (m_pending.size() >= size_t(m_maxRows))
        m_pending.erase(m_pending.begin());
    m_pending.push_back(std::move(r));
}

void TrafficLogModel::flush() {
    if (m_pending.empty())
        return;
    const size_t incoming = m_pending.size();
    const size_t overflow =
        m_rows.size() + incoming > size_t(m_maxRows)
            ? std::min(m_rows.size(), m_rows.size() + incoming - size_t(m_maxRows))
            : 0;
    if (overflow > 0) {
        beginRemoveRows({}, 0, int(overflow) - 1);
        m_rows.erase(m_rows.begin(), m_rows.begin() + qsizetype(overflow));
        endRemoveRows();
    }
    const int first = int(m_rows.size());
    beginInsertRows({}, first, first + int(incoming) - 1);
    for (TrafficLogRow &r : m_pending)
        m_rows.push_back(std::move(r));
    m_pending.clear();
    endInsertRows();
}

void TrafficLogModel::clear() {
    beginResetModel();
    m_rows.clear();
    m_pending.clear();
    endResetModel();
}

void TrafficLogModel::setMaxRows(int rows) {
    m_maxRows = std::max(10, rows);
    if (m_rows.size() > size_t(m_maxRows)) {
        const int drop = int(m_rows.size()) - m_maxRows;
        beginRemoveRows({}, 0, drop - 1);
        m_rows.erase(m_rows.begin(), m_rows.begin() + drop);
        endRemoveRows();
    }
}

QString TrafficLogModel::kindName(Kind kind) {
    switch (kind) {
    case Kind::RequestSent:
        return tr("Request sent");
    case Kind::ResponseReceived:
        return tr("Response");
    case Kind::StreamOpened:
        return tr("Stream opened");
    case Kind::EventReceived:
        return tr("Event");
    case Kind::ReconnectScheduled:
        return tr("Reconnect");
    case Kind::Error:
        return tr("Error");
    case Kind::Stopped:
        return tr("Stopped");
    case Kind::Link:
        return tr("Link");
    }
    return {};
}

int TrafficLogModel::rowCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : int(m_rows.size());
}

int TrafficLogModel::columnCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QString TrafficLogModel::displayText(const TrafficLogRow &r, int column) const {
    switch (column) {
    case TimeColumn:
        return formatTime(r.timeUs);
    case PatternColumn:
        return PushLab::patternName(r.pattern);
    case EventColumn:
        return kindName(r.kind);
    case RequestColumn:
        return r.requestId ? QString::number(r.requestId) : QString();
    case StatusColumn:
        return r.status ? QString::number(r.status) : QString();
    case BytesColumn:
        return r.bytes ? Units::bytes(double(r.bytes)) : QString();
    case MessagesColumn:
        return idRange(r);
    case LatencyColumn:
        if (r.messageCount == 0)
            return {};
        if (r.minLatencyUs == r.maxLatencyUs)
            return Units::duration(r.minLatencyUs);
        return Units::duration(r.minLatencyUs) + QStringLiteral(" – ") +
               Units::duration(r.maxLatencyUs);
    case DetailColumn:
        if (!r.text.isEmpty())
            return QLatin1Char('"') + r.text + QLatin1Char('"') +
                   (r.detail.isEmpty() ? QString() : QStringLiteral("  ") + r.detail);
        return r.detail;
    }
    return {};
}

QVariant TrafficLogModel::data(const QModelIndex &index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const TrafficLogRow &r = m_rows[size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        return displayText(r, index.column());
    case Qt::ToolTipRole:
        return index.column() == DetailColumn ? displayText(r, index.column()) : QVariant();
    case Qt::ForegroundRole:
        if (index.column() == PatternColumn)
            return QBrush(PatternTheme::color(r.pattern));
        if (r.kind == Kind::Error || r.status >= 400)
            return QBrush(PatternTheme::errorColor());
        return {};
    case Qt::TextAlignmentRole:
        switch (index.column()) {
        case RequestColumn:
        case StatusColumn:
        case BytesColumn:
        case LatencyColumn:
            return int(Qt::AlignRight | Qt::AlignVCenter);
        default:
            return int(Qt::AlignLeft | Qt::AlignVCenter);
        }
    case PatternRole:
        return QVariant::fromValue(r.pattern);
    case TimeUsRole:
        return r.timeUs;
    default:
        return {};
    }
}

QVariant TrafficLogModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case TimeColumn:
        return tr("Time");
    case PatternColumn:
        return tr("Pattern");
    case EventColumn:
        return tr("Event");
    case RequestColumn:
        return tr("Request");
    case StatusColumn:
        return tr("Status");
    case BytesColumn:
        return tr("Bytes");
    case MessagesColumn:
        return tr("Messages");
    case LatencyColumn:
        return tr("Latency");
    case DetailColumn:
        return tr("Text / detail");
    }
    return {};
}

bool TrafficLogModel::writeCsv(QIODevice &out, const PatternSet &shown) const {
    QByteArray buffer = "time_us,time,pattern,event,request_id,status,bytes,message_count,"
                        "first_id,last_id,latency_min_ms,latency_max_ms,text,detail\r\n";
    const auto number = [](auto v) {
        return QByteArray::number(v);
    };
    for (const TrafficLogRow &r : m_rows) {
        if (!shown[r.pattern])
            continue;
        const bool hasMessages = r.messageCount > 0;
        buffer += number(r.timeUs) + ',' + csvField(formatTime(r.timeUs)) + ',' +
                  PushLab::patternKey(r.pattern).toUtf8() + ',' +
                  TrafficEvent::kindKey(r.kind).toUtf8() + ',' + number(r.requestId) + ',' +
                  number(r.status) + ',' + number(r.bytes) + ',' + number(r.messageCount) + ',' +
                  (hasMessages ? number(r.firstId) : QByteArray()) + ',' +
                  (hasMessages ? number(r.lastId) : QByteArray()) + ',' +
                  (hasMessages ? csvMs(r.minLatencyUs) : QByteArray()) + ',' +
                  (hasMessages ? csvMs(r.maxLatencyUs) : QByteArray()) + ',' +
                  csvField(r.text, true) + ',' + csvField(r.detail, true) + "\r\n";
        if (buffer.size() > 1 << 16) {
            if (out.write(buffer) != buffer.size())
                return false;
            buffer.clear();
        }
    }
    return out.write(buffer) == buffer.size();
}

bool TrafficLogModel::writeJson(QIODevice &out, const PatternSet &shown) const {
    QJsonArray rows;
    for (const TrafficLogRow &r : m_rows) {
        if (!shown[r.pattern])
            continue;
        QJsonObject o{
            {QStringLiteral("timeUs"), r.timeUs},
            {QStringLiteral("pattern"), PushLab::patternKey(r.pattern)},
            {QStringLiteral("event"), TrafficEvent::kindKey(r.kind)},
            {QStringLiteral("requestId"), qint64(r.requestId)},
            {QStringLiteral("status"), r.status},
            {QStringLiteral("bytes"), r.bytes},
            {QStringLiteral("messageCount"), r.messageCount},
        };
        if (r.messageCount > 0) {
            // Ids stay below 2^53 (see the wire contract), so a JSON number holds them exactly.
            o.insert(QStringLiteral("firstId"), qint64(r.firstId));
            o.insert(QStringLiteral("lastId"), qint64(r.lastId));
            o.insert(QStringLiteral("latencyMinMs"), double(r.minLatencyUs) / 1000.0);
            o.insert(QStringLiteral("latencyMaxMs"), double(r.maxLatencyUs) / 1000.0);
            o.insert(QStringLiteral("text"), r.text);
        }
        if (!r.detail.isEmpty())
            o.insert(QStringLiteral("detail"), r.detail);
        rows.append(o);
    }
    const QByteArray bytes = QJsonDocument(QJsonObject{{QStringLiteral("events"), rows}}).toJson();
    return out.write(bytes) == bytes.size();
}
