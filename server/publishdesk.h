#pragma once

#include "message.h"

#include <QtCore/QString>
#include <QtCore/QTimer>

#include <functional>
#include <memory>

class ConnectionTable;
class QTcpSocket;
class RedisHistory;
class Responder;
class ServerGroup;
struct Connection;
struct RequestInfo;

// Where a loop's publishes go: into the in-process history (answered at once), or, with
// --redis, to the shared history in Redis (answered once Redis acknowledged the append, 503
// when it cannot). Meanwhile the connection waits as for a gathering: requests pipelined
// behind the publish are answered after it.
class PublishDesk final {
public:
    struct Hooks {
        std::function<Message(const QString &)> publishLocally;
        std::function<void(const Message &)> stored; // (Redis) the loop catches up, tells
        std::function<void(QTcpSocket *)> drainQueue;
    };
    // `context`: the loop (the ticker's timer is its child).
    PublishDesk(ConnectionTable &connections, Responder &responder, QObject *context, Hooks hooks);

    ~PublishDesk();

    // With a redis:// URL (else nothing changes): from now on publishes go to the Redis
    // history of `group`, made here, in the calling loop's thread; the listening loop (index 0)
    // also reads the stream into the group and then calls `news`.
    void shareThrough(const QString &redisUrl, ServerGroup &group, int loopIndex,
                      std::function<void()> news);
    // > 0: publishes "Message N" every so many seconds (demo traffic), wherever the history is.
    void startTicker(double seconds);
    // Shutting down: no more ticks; replies from Redis still outstanding are dropped unanswered.
    void stop();
    bool sharesThroughRedis() const { return m_redis != nullptr; }

    // POST /api/messages, or the seed's GET /updatemessage when `seed`.
    void answer(Connection &c, const RequestInfo &info, bool seed);

private:
    ConnectionTable &m_connections;
    Responder &m_responder;
    Hooks m_hooks;
    QTimer m_ticker;
    qint64 m_ticks = 0;
    std::unique_ptr<RedisHistory> m_redis;
};
