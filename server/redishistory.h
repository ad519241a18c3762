#pragma once

#include "message.h"
#include "redisaddress.h"

#include <QtCore/QObject>

#include <functional>
#include <optional>
#include <vector>

class RedisLink;
class ServerGroup;
struct redisReply;

// The shared history of several PushLab servers, kept in a Redis Stream (docs/server.md, "Two
// servers, one history"). PushLab id N is stream entry `N-0`; a Lua script allocates it, stamps
// it with Redis's clock and appends it (XADD MAXLEN ~ the history size) in one step, so ids are
// one sequence whichever server publishes. The epoch (the first id of the stream's life, its
// creation time in microseconds) lives beside it: a Redis that lost the stream starts a new
// epoch, and the servers tell their clients "restart".
//
// One RedisHistory per event loop, living in the loop's thread: it publishes through a link of
// its own. The feeding loop's one also reads the stream (XREAD BLOCK) and feeds the ServerGroup,
// which wakes the other loops as a local publish does.
class RedisHistory final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RedisHistory)

public:
    // What the stream holds now: its epoch and its newest entries (at most `historySize`).
    struct Snapshot {
        quint64 epoch = 0;
        std::vector<Message> messages;
    };
    // Blocking, for the start (before any loop runs): the snapshot, creating the epoch if the
    // stream has none; nullopt with a one-line reason when Redis cannot be reached.
    static std::optional<Snapshot> load(const RedisAddress &address, int historySize,
                                        QString *error);

    // `news` runs (in this thread) after the feeding loop put news into the group.
    RedisHistory(const RedisAddress &address, ServerGroup &group, int loopIndex, bool feeds,
                 std::function<void()> news, QObject *parent = nullptr);
    ~RedisHistory() override;

    // The stored message, or why it was not stored (Redis unreachable or refusing).
    using Published = std::function<void(std::optional<Message> stored, const QString &why)>;
    // Answers `done` only once Redis acknowledged the append (or failed it); at once when the
    // link is down. The group takes the message at once if it is the next one, so this loop's
    // clients see it without waiting for the stream.
    void publish(const QString &text, Published done);
    bool isReachable() const;

private:
    void resync();
    void readMore();
    // Runs `step` again shortly, unless the reading link is lost meanwhile (ready() resyncs).
    void retryLater(void (RedisHistory::*step)(), const redisReply *refusal);
    void takeEntries(const redisReply *streams);

    ServerGroup &m_group;
    const int m_loopIndex;
    const int m_historySize;
    std::function<void()> m_news;
    RedisLink *m_writer = nullptr; // child
    RedisLink *m_reader = nullptr; // child, on the feeding loop only
    bool m_reading = false;
};
