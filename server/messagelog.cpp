#include "messagelog.h"

#include <QtCore/QtGlobal>

MessageLog::MessageLog(int capacity, quint64 firstId)
    : m_capacity(qMax(1, capacity))
    , m_firstId(qMax<quint64>(1, firstId))
    , m_nextId(m_firstId) {}

const Message &MessageLog::append(const QString &text, qint64 publishedAtUs) {
    if (int(m_messages.size()) >= m_capacity)
        m_messages.pop_front();
    m_messages.push_back(Message::make(m_nextId++, text, publishedAtUs));
    return m_messages.back();
}

const Message &MessageLog::adopt(const Message &m) {
    Q_ASSERT(m.id >= m_nextId);
    if (m.id != m_nextId) {
        m_messages.clear();
        m_nextId = m.id;
    }
    if (int(m_messages.size()) >= m_capacity)
        m_messages.pop_front();
    m_messages.push_back(m);
    ++m_nextId;
    return m_messages.back();
}

void MessageLog::startOver(quint64 firstId) {
    m_messages.clear();
    m_firstId = qMax<quint64>(1, firstId);
    m_nextId = m_firstId;
}

std::optional<MessageLog::Gap> MessageLog::gapAfter(quint64 since) const {
    if (since == 0)
        return std::nullopt;
    const quint64 first = firstRetainedId();
    if (since + 1 < first || since > lastId())
        return Gap{since, first,
                   since > lastId()    ? Gap::Reason::Unknown
                   : since < m_firstId ? Gap::Reason::EarlierRun
                                       : Gap::Reason::Evicted};
    return std::nullopt;
}

const Message *MessageLog::nextAfter(quint64 since) const {
    if (m_messages.empty() || since >= lastId())
        return nullptr;
    const quint64 first = firstRetainedId();
    const std::size_t index = since < first ? 0 : std::size_t(since + 1 - first);
    return &m_messages[index];
}
