#pragma once

#include "message.h"

#include <deque>
#include <optional>

// The bounded history: a ring of the most recent messages with contiguous ids. The first id
// of a run is the start time in microseconds, so ids are never reused across restarts and an
// id from an earlier run is recognised as "history gone" rather than mistaken for a new one.
class MessageLog final {
public:
    struct Gap {
        enum class Reason {
            Evicted,    // from this run, but older than the history keeps
            EarlierRun, // from before this run started (a restart)
            Unknown,    // newer than anything published: another server's id
        };
        quint64 lastSeenId = 0;
        quint64 firstAvailableId = 0;
        Reason reason = Reason::Evicted;
    };

    MessageLog(int capacity, quint64 firstId);

    const Message &append(const QString &text, qint64 publishedAtUs);
    // Appends a message stored elsewhere (an event loop's replica of the shared history). Its
    // id follows lastId(), or the log starts over at it: whatever lies between is then gone.
    const Message &adopt(const Message &m);

    // A new epoch (the shared history restarted): nothing is kept, ids go on from `firstId`,
    // and every earlier id counts as an earlier run's.
    void startOver(quint64 firstId);

    quint64 firstId() const { return m_firstId; }
    quint64 lastId() const { return m_nextId - 1; }
    quint64 firstRetainedId() const {
        return m_messages.empty() ? m_nextId : m_messages.front().id;
    }
    qint64 publishedCount() const { return qint64(m_nextId - m_firstId); }
    int size() const { return int(m_messages.size()); }
    int capacity() const { return m_capacity; }

    // Did a client that has seen everything up to `since` miss messages we no longer hold
    // (or does `since` come from another run)? `since` 0 means "has seen nothing": no gap.
    std::optional<Gap> gapAfter(quint64 since) const;

    // Calls f(const Message &) for every retained message with id > since, in order.
    template <typename F> void forEachAfter(quint64 since, F &&f) const {
        const quint64 first = firstRetainedId();
        if (since >= lastId())
            return;
        std::size_t index = since < first ? 0 : std::size_t(since + 1 - first);
        for (; index < m_messages.size(); ++index)
            f(m_messages[index]);
    }

    bool hasAfter(quint64 since) const { return since < lastId() && !m_messages.empty(); }
    // The next retained message after `since` (seed /getmessage hands out one at a time).
    const Message *nextAfter(quint64 since) const;

private:
    std::deque<Message> m_messages;
    int m_capacity = 1000;
    quint64 m_firstId = 1;
    quint64 m_nextId = 1;
};
