#include "publishdesk.h"

#include "connectiontable.h"
#include "publishrequest.h"
#include "redishistory.h"
#include "responder.h"

#include <QtCore/QLoggingCategory>

Q_LOGGING_CATEGORY(lcPublish, "pushlab.server.publish", QtWarningMsg)

using State = Connection::State;

PublishDesk::PublishDesk(ConnectionTable &connections, Responder &responder, QObject *context,
                         Hooks hooks)
    : m_connections(connections)
    , m_responder(responder)
    , m_hooks(std::move(hooks))
    , m_ticker(context) {
    QObject::connect(&m_ticker, &QTimer::timeout, context, [this] {
        const QString text = QStringLiteral("Message %1").arg(++m_ticks);
        if (!m_redis) {
            m_hooks.publishLocally(text);
            return;
        }
        m_redis->publish(text, [this](std::optional<Message> m, const QString &why) {
            if (m)
                m_hooks.stored(*m);
            else
                qCWarning(lcPublish, "ticker message not stored: %s", qPrintable(why));
        });
    });
}

PublishDesk::~PublishDesk() = default;

void PublishDesk::shareThrough(const QString &redisUrl, ServerGroup &group, int loopIndex,
                               std::function<void()> news) {
    if (const auto address = RedisAddress::parse(redisUrl, nullptr))
        m_redis = std::make_unique<RedisHistory>(*address, group, loopIndex, loopIndex == 0,
                                                 std::move(news));
}

void PublishDesk::startTicker(double seconds) {
    if (seconds > 0)
        m_ticker.start(int(seconds * 1000));
}

void PublishDesk::stop() {
    m_ticker.stop();
    m_redis.reset();
}

void PublishDesk::answer(Connection &c, const RequestInfo &info, bool seed) {
    if (!m_redis) {
        m_responder.send(c, seed ? PublishRequest::answerSeed(info, m_hooks.publishLocally)
                                 : PublishRequest::answerPost(info, m_hooks.publishLocally));
        return;
    }
    auto text = PublishRequest::textOf(info, seed);
    if (auto *problem = std::get_if<HttpResponse>(&text)) {
        m_responder.send(c, std::move(*problem));
        return;
    }
    c.state = State::Gathering;
    QTcpSocket *socket = c.socket;
    const quint64 serial = c.serial;
    m_redis->publish(std::get<QString>(text), [this, socket, serial, seed](std::optional<Message> m,
                                                                           const QString &why) {
        if (m)
            m_hooks.stored(*m);
        else
            qCInfo(lcPublish, "publish refused (503): %s", qPrintable(why));
        Connection *c = m_connections.find(socket, serial);
        if (!c || c->state != State::Gathering || c->rejected || c->closing)
            return; // the publisher left meanwhile (what Redis stored is delivered all the same)
        c->state = State::Idle;
        m_responder.send(*c,
                         m ? PublishRequest::stored(*m, seed) : PublishRequest::unavailable(why));
        m_hooks.drainQueue(socket);
    });
}
