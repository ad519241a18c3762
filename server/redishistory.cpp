#include "redishistory.h"

#include "redislink.h"
#include "servergroup.h"

#include <QtCore/QLoggingCategory>
#include <QtCore/QTimer>

#include <hiredis/hiredis.h>

#include <memory>

Q_LOGGING_CATEGORY(lcRedisHistory, "pushlab.server.redis.history", QtWarningMsg)

namespace {

// One hash tag: the two keys stay in one slot, as a script's keys must on a Redis Cluster.
const QByteArray streamKey = QByteArrayLiteral("{pushlab}:history");
const QByteArray metaKey = QByteArrayLiteral("{pushlab}:meta");
// Entries read per XREAD: a loop catching up after an outage takes them in bounded bites.
const QByteArray readCount = QByteArrayLiteral("1000");
// After a refusal on a link that stays up (Redis loading its data, a script error).
constexpr int retryMs = 100;

// KEYS: stream, meta. ARGV empty: returns {epoch, lastId}, creating the epoch (the time in
// microseconds, the stream's first id) when the meta hash is gone (a new or flushed Redis).
// ARGV text, maxlen: appends the next id, stamped with Redis's clock; returns {epoch, id, at}.
// XADD comes before the counter moves: a refused append leaves nothing behind.
const QByteArray script = QByteArrayLiteral(R"lua(
local first = redis.call('HGET', KEYS[2], 'first')
local last
if first then
  first = tonumber(first)
  last = tonumber(redis.call('HGET', KEYS[2], 'last'))
else
  local t = redis.call('TIME')
  first = tonumber(t[1]) * 1000000 + tonumber(t[2])
  last = first - 1
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[2], 'first', string.format('%d', first), 'last', string.format('%d', last))
end
if #ARGV == 0 then return {first, last} end
local id = string.format('%d', last + 1)
local t = redis.call('TIME')
local at = string.format('%d', tonumber(t[1]) * 1000000 + tonumber(t[2]))
redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], id .. '-0', 'text', ARGV[1], 'at', at,
           'epoch', string.format('%d', first))
redis.call('HSET', KEYS[2], 'last', id)
return {first, last + 1, tonumber(at)}
)lua");

QByteArray str(const redisReply *r) {
    return r && (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS)
               ? QByteArray(r->str, qsizetype(r->len))
               : QByteArray();
}

quint64 integerAt(const redisReply *r, std::size_t i) {
    if (!r || r->type != REDIS_REPLY_ARRAY || i >= r->elements ||
        r->element[i]->type != REDIS_REPLY_INTEGER)
        return 0;
    return quint64(r->element[i]->integer);
}

QString whyNot(const redisReply *r) {
    if (!r)
        return QStringLiteral("the link to Redis was lost");
    if (r->type == REDIS_REPLY_ERROR)
        return QString::fromUtf8(r->str, qsizetype(r->len));
    return {};
}

// One stream entry, [id, [field, value, ...]], as a message (id 0 when it is not one of ours).
struct Entry {
    Message message;
    quint64 epoch = 0;
};
Entry entryOf(const redisReply *e) {
    Entry entry;
    if (!e || e->type != REDIS_REPLY_ARRAY || e->elements != 2)
        return entry;
    const QByteArray id = str(e->element[0]);
    const redisReply *fields = e->element[1];
    if (fields->type != REDIS_REPLY_ARRAY)
        return entry;
    QString text;
    qint64 at = 0;
    for (std::size_t i = 0; i + 1 < fields->elements; i += 2) {
        const QByteArray name = str(fields->element[i]);
        const QByteArray value = str(fields->element[i + 1]);
        if (name == "text")
            text = QString::fromUtf8(value);
        else if (name == "at")
            at = value.toLongLong();
        else if (name == "epoch")
            entry.epoch = value.toULongLong();
    }
    const quint64 n = id.left(id.indexOf('-')).toULongLong();
    if (n != 0 && entry.epoch != 0)
        entry.message = Message::make(n, text, at);
    return entry;
}

struct ReplyDeleter {
    void operator()(void *r) const { freeReplyObject(r); }
};
using OwnedReply = std::unique_ptr<redisReply, ReplyDeleter>;

OwnedReply call(redisContext *c, const QByteArrayList &args) {
    std::vector<const char *> argv;
    std::vector<size_t> lengths;
    for (const QByteArray &arg : args) {
        argv.push_back(arg.constData());
        lengths.push_back(std::size_t(arg.size()));
    }
    return OwnedReply(static_cast<redisReply *>(
        redisCommandArgv(c, int(argv.size()), argv.data(), lengths.data())));
}

} // namespace

std::optional<RedisHistory::Snapshot> RedisHistory::load(const RedisAddress &address,
                                                         int historySize, QString *error) {
    const auto fail = [&](const QString &why) {
        if (error)
            *error =
                QStringLiteral("the history at %1 is unreachable: %2").arg(address.display(), why);
        return std::nullopt;
    };
    const timeval timeout{3, 0};
    const std::unique_ptr<redisContext, void (*)(redisContext *)> c(
        redisConnectWithTimeout(address.host.toUtf8().constData(), address.port, timeout),
        &redisFree);
    if (!c || c->err)
        return fail(c ? QString::fromUtf8(c->errstr) : QStringLiteral("out of memory"));
    redisSetTimeout(c.get(), timeout);
    const auto check = [&](const OwnedReply &r) {
        return r ? whyNot(r.get()) : QString::fromUtf8(c->errstr);
    };
    if (!address.password.isEmpty()) {
        QByteArrayList auth{"AUTH", address.password.toUtf8()};
        if (!address.username.isEmpty())
            auth.insert(1, address.username.toUtf8());
        if (const QString why = check(call(c.get(), auth)); !why.isEmpty())
            return fail(why);
    }
    if (const QString why = check(call(c.get(), {"SELECT", QByteArray::number(address.db)}));
        !why.isEmpty())
        return fail(why);
    const OwnedReply epoch = call(c.get(), {"EVAL", script, "2", streamKey, metaKey});
    if (const QString why = check(epoch); !why.isEmpty())
        return fail(why);
    Snapshot snapshot;
    snapshot.epoch = integerAt(epoch.get(), 0);
    const OwnedReply newest =
        call(c.get(), {"XREVRANGE", streamKey, "+", "-", "COUNT", QByteArray::number(historySize)});
    if (const QString why = check(newest); !why.isEmpty())
        return fail(why);
    if (snapshot.epoch == 0)
        return fail(QStringLiteral("unexpected answer to the history script"));
    for (std::size_t i = newest->elements; i-- > 0;) {
        const Entry entry = entryOf(newest->element[i]);
        if (entry.message.id != 0 && entry.epoch == snapshot.epoch)
            snapshot.messages.push_back(entry.message);
    }
    return snapshot;
}

RedisHistory::RedisHistory(const RedisAddress &address, ServerGroup &group, int loopIndex,
                           bool feeds, std::function<void()> news, QObject *parent)
    : QObject(parent)
    , m_group(group)
    , m_loopIndex(loopIndex)
    , m_historySize(group.historySize())
    , m_news(std::move(news))
    , m_writer(new RedisLink(address, "publish", this)) {
    m_writer->open();
    if (feeds) {
        m_reader = new RedisLink(address, "read", this);
        connect(m_reader, &RedisLink::ready, this, &RedisHistory::resync);
        connect(m_reader, &RedisLink::lost, this, [this] { m_reading = false; });
        m_reader->open();
    }
}

RedisHistory::~RedisHistory() = default;

bool RedisHistory::isReachable() const {
    return m_writer->isReady();
}

void RedisHistory::publish(const QString &text, Published done) {
    const QByteArrayList args{
        "EVAL", script, "2", streamKey, metaKey, text.toUtf8(), QByteArray::number(m_historySize)};
    auto shared = std::make_shared<Published>(std::move(done));
    const bool sent = m_writer->command(args, [this, text, shared](const redisReply *r) {
        if (const QString why = whyNot(r); !why.isEmpty() || !r || r->elements != 3) {
            (*shared)(std::nullopt, why.isEmpty() ? QStringLiteral("unexpected answer") : why);
            return;
        }
        const Message m = Message::make(integerAt(r, 1), text, qint64(integerAt(r, 2)));
        m_group.offer(integerAt(r, 0), m, m_loopIndex);
        (*shared)(m, QString());
    });
    if (!sent)
        (*shared)(
            std::nullopt,
            QStringLiteral("Redis at %1 is not connected").arg(m_writer->address().display()));
}

void RedisHistory::resync() {
    // (Re)connected: learn the epoch first. A different one means Redis lost the stream (it
    // restarted empty, or was flushed): the group starts over and its loops say "restart".
    m_reader->command({"EVAL", script, "2", streamKey, metaKey}, [this](const redisReply *r) {
        const quint64 epoch = integerAt(r, 0);
        if (epoch == 0) {
            // Lost again: the next ready() resyncs. Refused (a Redis still loading its data
            // answers -LOADING): try again shortly.
            if (r)
                retryLater(&RedisHistory::resync, r);
            return;
        }
        if (epoch != m_group.epoch()) {
            qCWarning(lcRedisHistory, "the shared history restarted (epoch %llu, was %llu)",
                      static_cast<unsigned long long>(epoch),
                      static_cast<unsigned long long>(m_group.epoch()));
            m_group.adopt(epoch, {}, m_loopIndex);
            m_news();
        }
        m_reading = true;
        readMore();
    });
}

void RedisHistory::retryLater(void (RedisHistory::*step)(), const redisReply *refusal) {
    qCWarning(lcRedisHistory, "Redis refused to be read (%s): trying again",
              qPrintable(whyNot(refusal)));
    QTimer::singleShot(retryMs, this, [this, step] {
        if (m_reader->isReady())
            (this->*step)();
    });
}

void RedisHistory::readMore() {
    if (!m_reading)
        return;
    const QByteArray from = QByteArray::number(m_group.lastId()) + "-0";
    m_reader->command({"XREAD", "COUNT", readCount, "BLOCK", "0", "STREAMS", streamKey, from},
                      [this](const redisReply *r) {
                          if (!r)
                              return; // lost: the next ready() resyncs
                          if (r->type == REDIS_REPLY_ERROR) {
                              retryLater(&RedisHistory::readMore, r);
                              return;
                          }
                          takeEntries(r);
                          readMore();
                      });
}

void RedisHistory::takeEntries(const redisReply *streams) {
    if (streams->type != REDIS_REPLY_ARRAY || streams->elements == 0)
        return;
    const redisReply *entries = streams->element[0];
    if (entries->type != REDIS_REPLY_ARRAY || entries->elements != 2 ||
        entries->element[1]->type != REDIS_REPLY_ARRAY)
        return;
    entries = entries->element[1];
    // Entries of one epoch at a time: a new epoch starts the group's history over.
    std::vector<Message> batch;
    quint64 batchEpoch = 0;
    const auto flush = [&] {
        if (!batch.empty())
            m_group.adopt(batchEpoch, std::exchange(batch, {}), m_loopIndex);
    };
    for (std::size_t i = 0; i < entries->elements; ++i) {
        Entry entry = entryOf(entries->element[i]);
        if (entry.message.id == 0)
            continue;
        if (entry.epoch != batchEpoch)
            flush();
        batchEpoch = entry.epoch;
        batch.push_back(std::move(entry.message));
    }
    flush();
    m_news();
}
