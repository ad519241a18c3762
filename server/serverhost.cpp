#include "serverhost.h"

#include "clock.h"
#include "epolleventdispatcher.h"
#include "pushserver.h"
#include "redisaddress.h"
#include "redishistory.h"
#include "servergroup.h"

ServerHost::ServerHost(const ServerConfig &config, QObject *parent)
    : QObject(parent)
    , m_config(config) {}

ServerHost::~ServerHost() {
    stop();
}

bool ServerHost::start(QString *errorMessage) {
    if (isRunning())
        return true;
    const int count = qBound(1, m_config.threads, 64);
    auto group =
        std::make_shared<ServerGroup>(m_config.historySize, quint64(PushLab::wallClockUs()));
    if (!m_config.redisUrl.isEmpty()) {
        // The shared history first (its epoch and newest entries): a server never answers from
        // a history it has not read, and an unreachable Redis fails the start, saying so.
        QString error;
        const auto address = RedisAddress::parse(m_config.redisUrl, &error);
        const auto snapshot =
            address ? RedisHistory::load(*address, m_config.historySize, &error) : std::nullopt;
        if (!snapshot) {
            if (errorMessage)
                *errorMessage = error;
            return false;
        }
        group = std::make_shared<ServerGroup>(m_config.historySize, snapshot->epoch);
        group->adopt(snapshot->epoch, snapshot->messages, -1);
    }
    for (int i = 0; i < count; ++i) {
        auto thread = std::make_unique<QThread>();
        thread->setObjectName(count == 1 ? QStringLiteral("pushlab-server")
                                         : QStringLiteral("pushlab-server-%1").arg(i));
        // Each loop waits on epoll (see EpollEventDispatcher) unless the config keeps Qt's
        // default, for comparison. The thread owns and deletes it at the end.
        if (m_config.epollDispatcher)
            thread->setEventDispatcher(new EpollEventDispatcher);
        thread->start();
        ServerConfig config = m_config;
        if (i > 0)
            config.tickerSeconds = 0;               // one ticker per server
        auto *loop = new PushServer(config, group); // joins the group before any loop runs
        loop->moveToThread(thread.get());
        m_threads.push_back(std::move(thread));
        m_loops.push_back(loop);
    }
    // Blocking queued: listening must happen in each loop's thread so its sockets live there,
    // and the caller needs the answer before it goes on.
    bool ok = false;
    QString error;
    qintptr listening = -1;
    PushServer *first = m_loops.front();
    QMetaObject::invokeMethod(
        first,
        [first, &ok, &error, &listening] {
            ok = first->listen(&error);
            listening = first->listeningSocket();
        },
        Qt::BlockingQueuedConnection);
    for (std::size_t i = 1; ok && i < m_loops.size(); ++i) {
        PushServer *loop = m_loops[i];
        QMetaObject::invokeMethod(
            loop, [loop, &ok, &error, listening] { ok = loop->serveAlongside(listening, &error); },
            Qt::BlockingQueuedConnection);
    }
    if (!ok) {
        stop();
        if (errorMessage)
            *errorMessage = error;
        return false;
    }
    QMetaObject::invokeMethod(
        first, [this, first] { m_port = first->port(); }, Qt::BlockingQueuedConnection);
    return true;
}

void ServerHost::stop() {
    if (m_loops.empty())
        return;
    const std::vector<PushServer *> loops = std::exchange(m_loops, {});
    // Every loop shuts down before any is deleted: loops post to each other (hand-overs,
    // wake-ups, reports) and a loop that has shut down posts nothing more, so no event can
    // reach a deleted loop. Both steps run in each loop's own thread, where its sockets live.
    for (PushServer *loop : loops) {
        QMetaObject::invokeMethod(
            loop, [loop] { loop->shutdown(); }, Qt::BlockingQueuedConnection);
    }
    for (PushServer *loop : loops)
        QMetaObject::invokeMethod(
            loop, [loop] { delete loop; }, Qt::BlockingQueuedConnection);
    for (const auto &thread : m_threads) {
        thread->quit();
        thread->wait();
    }
    m_threads.clear();
}

QUrl ServerHost::url() const {
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    QHostAddress host = m_config.bindAddress;
    if (host == QHostAddress::Any || host == QHostAddress::AnyIPv4)
        host = QHostAddress::LocalHost;
    else if (host == QHostAddress::AnyIPv6)
        host = QHostAddress::LocalHostIPv6;
    url.setHost(host.toString());
    url.setPort(m_port);
    url.setPath(QStringLiteral("/"));
    return url;
}
