#pragma once

#include "redisaddress.h"

#include <QtCore/QByteArrayList>
#include <QtCore/QObject>
#include <QtCore/QTimer>

#include <functional>

class QSocketNotifier;
struct redisAsyncContext;
struct redisReply;

// One hiredis asynchronous connection, driven by the event loop of the thread the link lives
// in (two QSocketNotifiers), reconnecting after every loss. hiredis's own Qt adapter
// (hiredis/adapters/qt.h) is not used: it needs moc run over a system header, and it has no
// safe moment to be destroyed (before the context, hiredis's cleanup calls into a null adapter;
// after, its destructor writes into the freed context). Here the link is the adapter.
class RedisLink final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RedisLink)

public:
    // Called once per command: with the reply, or with nullptr when the link was lost first.
    using Reply = std::function<void(const redisReply *reply)>;

    RedisLink(const RedisAddress &address, const char *name, QObject *parent = nullptr);
    ~RedisLink() override;

    // Connects, and connects again (after a short, growing pause) whenever the link is lost.
    void open();
    bool isReady() const { return m_ready; }
    // Sends a command (binary-safe arguments); false, and no call of `reply`, when not ready.
    bool command(const QByteArrayList &args, Reply reply);
    const RedisAddress &address() const { return m_address; }

Q_SIGNALS:
    void ready();                  // connected (again): commands may be sent
    void lost(const QString &why); // every outstanding command got nullptr before this

private:
    void connectNow();
    void dropped(const QString &why);
    void setNotifier(QSocketNotifier **notifier, bool on, bool forRead);

    static void onConnect(const redisAsyncContext *context, int status);
    static void onDisconnect(const redisAsyncContext *context, int status);
    static void onReply(redisAsyncContext *context, void *reply, void *privdata);
    static void addRead(void *link);
    static void delRead(void *link);
    static void addWrite(void *link);
    static void delWrite(void *link);
    static void cleanup(void *link);

    RedisAddress m_address;
    const char *m_name = "";
    redisAsyncContext *m_context = nullptr; // owned by hiredis once connecting
    QSocketNotifier *m_read = nullptr;      // children
    QSocketNotifier *m_write = nullptr;
    QTimer m_retry;
    int m_retryMs = 0;
    bool m_ready = false;
    bool m_closing = false; // destroying: replies are dropped, not delivered
};
