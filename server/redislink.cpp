#include "redislink.h"

#include <QtCore/QLoggingCategory>
#include <QtCore/QSocketNotifier>

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <vector>

Q_LOGGING_CATEGORY(lcRedisLink, "pushlab.server.redis", QtWarningMsg)

namespace {
constexpr int firstRetryMs = 50;
constexpr int maxRetryMs = 1000;

RedisLink *linkOf(const redisAsyncContext *context) {
    return static_cast<RedisLink *>(context->data);
}
} // namespace

RedisLink::RedisLink(const RedisAddress &address, const char *name, QObject *parent)
    : QObject(parent)
    , m_address(address)
    , m_name(name)
    , m_retry(this) {
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &RedisLink::connectNow);
}

RedisLink::~RedisLink() {
    m_closing = true;
    if (m_context) {
        // Calls every outstanding reply with nullptr (dropped: m_closing) and cleanup().
        redisAsyncContext *context = std::exchange(m_context, nullptr);
        context->onDisconnect = nullptr;
        redisAsyncFree(context);
    }
}

void RedisLink::open() {
    if (!m_context && !m_retry.isActive())
        connectNow();
}

void RedisLink::connectNow() {
    redisAsyncContext *context =
        redisAsyncConnect(m_address.host.toUtf8().constData(), m_address.port);
    if (!context || context->err) {
        const QString why =
            context ? QString::fromUtf8(context->errstr) : QStringLiteral("out of memory");
        if (context)
            redisAsyncFree(context);
        dropped(why);
        return;
    }
    m_context = context;
    context->data = this;
    context->ev.data = this;
    context->ev.addRead = &RedisLink::addRead;
    context->ev.delRead = &RedisLink::delRead;
    context->ev.addWrite = &RedisLink::addWrite;
    context->ev.delWrite = &RedisLink::delWrite;
    context->ev.cleanup = &RedisLink::cleanup;
    redisAsyncSetConnectCallback(context, &RedisLink::onConnect);
    redisAsyncSetDisconnectCallback(context, &RedisLink::onDisconnect);
    // hiredis 0.14 learns that a non-blocking connect finished from the first writable event,
    // and asks for one only when a command is queued: ask now.
    addWrite(this);
}

void RedisLink::dropped(const QString &why) {
    const bool wasReady = std::exchange(m_ready, false);
    m_context = nullptr;
    if (m_closing)
        return;
    if (wasReady)
        qCWarning(lcRedisLink, "%s link to %s lost: %s", m_name, qPrintable(m_address.display()),
                  qPrintable(why));
    m_retryMs = m_retryMs == 0 ? firstRetryMs : qMin(maxRetryMs, m_retryMs * 2);
    m_retry.start(m_retryMs);
    Q_EMIT lost(why);
}

bool RedisLink::command(const QByteArrayList &args, Reply reply) {
    if (!m_ready || !m_context)
        return false;
    std::vector<const char *> argv;
    std::vector<size_t> lengths;
    argv.reserve(std::size_t(args.size()));
    lengths.reserve(std::size_t(args.size()));
    for (const QByteArray &arg : args) {
        argv.push_back(arg.constData());
        lengths.push_back(std::size_t(arg.size()));
    }
    auto owned = std::make_unique<Reply>(std::move(reply));
    if (redisAsyncCommandArgv(m_context, &RedisLink::onReply, owned.get(), int(argv.size()),
                              argv.data(), lengths.data()) != REDIS_OK)
        return false;
    owned.release(); // onReply deletes it
    return true;
}

void RedisLink::onReply(redisAsyncContext *context, void *reply, void *privdata) {
    const std::unique_ptr<Reply> callback(static_cast<Reply *>(privdata));
    RedisLink *link = linkOf(context);
    if (link && !link->m_closing)
        (*callback)(static_cast<const redisReply *>(reply));
}

void RedisLink::onConnect(const redisAsyncContext *context, int status) {
    RedisLink *link = linkOf(context);
    if (status != REDIS_OK) {
        // hiredis frees the context after this returns.
        link->dropped(QString::fromUtf8(context->errstr));
        return;
    }
    link->m_retryMs = 0;
    // AUTH and SELECT go first; commands sent after them are answered after them.
    if (!link->m_address.password.isEmpty()) {
        const QByteArray user = link->m_address.username.toUtf8();
        const QByteArray password = link->m_address.password.toUtf8();
        if (user.isEmpty())
            redisAsyncCommand(link->m_context, nullptr, nullptr, "AUTH %b", password.constData(),
                              std::size_t(password.size()));
        else
            redisAsyncCommand(link->m_context, nullptr, nullptr, "AUTH %b %b", user.constData(),
                              std::size_t(user.size()), password.constData(),
                              std::size_t(password.size()));
    }
    if (link->m_address.db != 0)
        redisAsyncCommand(link->m_context, nullptr, nullptr, "SELECT %d", link->m_address.db);
    link->m_ready = true;
    qCInfo(lcRedisLink, "%s link to %s up", link->m_name, qPrintable(link->m_address.display()));
    Q_EMIT link->ready();
}

void RedisLink::onDisconnect(const redisAsyncContext *context, int status) {
    // hiredis frees the context after this returns; every reply was called with nullptr.
    RedisLink *link = linkOf(context);
    link->dropped(status == REDIS_OK ? QStringLiteral("closed")
                                     : QString::fromUtf8(context->errstr));
}

void RedisLink::setNotifier(QSocketNotifier **notifier, bool on, bool forRead) {
    if (on && !*notifier && m_context) {
        *notifier = new QSocketNotifier(
            m_context->c.fd, forRead ? QSocketNotifier::Read : QSocketNotifier::Write, this);
        // hiredis may free the context from inside these calls: nothing after them uses it.
        connect(*notifier, &QSocketNotifier::activated, this, [this, forRead] {
            if (!m_context)
                return;
            if (forRead)
                redisAsyncHandleRead(m_context);
            else
                redisAsyncHandleWrite(m_context);
        });
    } else if (!on && *notifier) {
        // Possibly from inside the notifier's own signal: deleted on the next turn.
        (*notifier)->setEnabled(false);
        (*notifier)->deleteLater();
        *notifier = nullptr;
    }
}

void RedisLink::addRead(void *link) {
    auto *self = static_cast<RedisLink *>(link);
    self->setNotifier(&self->m_read, true, true);
}

void RedisLink::delRead(void *link) {
    auto *self = static_cast<RedisLink *>(link);
    self->setNotifier(&self->m_read, false, true);
}

void RedisLink::addWrite(void *link) {
    auto *self = static_cast<RedisLink *>(link);
    self->setNotifier(&self->m_write, true, false);
}

void RedisLink::delWrite(void *link) {
    auto *self = static_cast<RedisLink *>(link);
    self->setNotifier(&self->m_write, false, false);
}

void RedisLink::cleanup(void *link) {
    delRead(link);
    delWrite(link);
}
