#pragma once

#include "connection.h"
#include "messagelog.h"
#include "responder.h"
#include "serverconfig.h"
#include "waiterset.h"

#include <QtCore/QByteArray>

#include <functional>
#include <optional>

class ConnectionTable;

// Short and long polls on one event loop: GET /api/messages?since=N answers at once,
// GET /api/messages/wait parks until news or its timeout, and the seed's GET /getmessage
// hands out one plain-text message per request. News answers every parked poll in one wave.
class PollService final {
    Q_DISABLE_COPY_MOVE(PollService)

public:
    // `answered` runs for each connection whose parked poll was answered (pipelined requests
    // behind it may go on).
    PollService(const ServerConfig &config, const MessageLog &log, ConnectionTable &connections,
                Responder &responder, QObject *context, std::function<void(QTcpSocket *)> answered);

    void shortPoll(Connection &c, const RequestInfo &info);
    void wait(Connection &c, const RequestInfo &info, Connection::Flavour flavour);
    // A parked poll whose connection ends or is rejected.
    void unpark(Connection &c) { m_waiters.unpark(c); }
    // News: answers every parked poll.
    void answerAll();
    void clear() { m_waiters.clear(); }
    int waitingCount() const { return int(m_waiters.size()); }

private:
    // A poll's `since`: the last id when absent ("from now"), nullopt when malformed.
    std::optional<quint64> sinceOf(const RequestInfo &info) const;
    void park(Connection &c, quint64 since, int timeoutSeconds, Connection::Flavour flavour);
    void onDeadline();
    void answerSeed(Connection &c);

    const ServerConfig &m_config;
    const MessageLog &m_log;
    ConnectionTable &m_connections;
    Responder &m_responder;
    std::function<void(QTcpSocket *)> m_answered;
    WaiterSet m_waiters;
    QByteArray m_upToDateAnswer; // the short-poll answer for since == lastId
    quint64 m_upToDateFor = 0;
};
