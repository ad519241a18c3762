#pragma once

#include "listener.h"
#include "memorytrim.h"
#include "messagelog.h"
#include "serverconfig.h"
#include "statsreport.h"
#include "trafficcounters.h"

#include <QtCore/QTimer>
#include <QtHttpServer/QAbstractHttpServer>

#include <memory>

class ConnectionTable;
class FastPathReader;
class LoopMesh;
class PollService;
class PublishDesk;
class QTcpSocket;
class Responder;
class ServerGroup;
class SocketWriter;
class StaticFiles;
class StreamService;
class WebSocketService;
struct Connection;
struct RequestInfo;

// The push server: publishes messages into a bounded history and pushes them to short-poll,
// long-poll, SSE and WebSocket clients (plus the seed demo's routes). One PushServer is one event
// loop and lives in one thread; everything it holds per client is bounded, and a client that
// vanishes is forgotten at once. Several can serve one port together (ServerHost does that):
// they share a ServerGroup, the first one listens and hands each new connection to the loop
// with the fewest, and a message published through any of them reaches the clients of all.
//
// This class is the QAbstractHttpServer and the dispatcher; each concern it dispatches to is
// a class of its own (docs/server.md has the map): ConnectionTable, FastPathReader, RouteTable,
// PublishRequest and OriginPolicy, PollService, StreamService, WebSocketService, SocketWriter,
// LoopMesh, StatsReport, StaticFiles, PublishDesk (and RedisHistory, for a history shared by
// several servers through Redis: config.redisUrl, run under ServerHost).
class PushServer final : public QAbstractHttpServer {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PushServer)

public:
    // A server of its own (one loop).
    explicit PushServer(const ServerConfig &config, QObject *parent = nullptr);
    // One loop of a server shared with others (see ServerGroup); joins the group.
    PushServer(const ServerConfig &config, std::shared_ptr<ServerGroup> group,
               QObject *parent = nullptr);
    ~PushServer() override;

    // Listens on config.bindAddress:config.port. On failure returns false and says why.
    bool listen(QString *errorMessage = nullptr);
    // For the other loops of a group: serves connections the listening loop hands over.
    // `listeningSocket` is that loop's listeningSocket().
    bool serveAlongside(qintptr listeningSocket, QString *errorMessage = nullptr);
    qintptr listeningSocket() const { return m_listener ? m_listener->socketDescriptor() : -1; }
    quint16 port() const { return m_listener ? m_listener->serverPort() : 0; }
    // Answers or closes every client and stops listening; the server can then be destroyed.
    void shutdown();

    // Publishes in-process (ticker, tests) into the in-process history; clients see it exactly
    // as a POSTed message. (With config.redisUrl, POSTs and the ticker go to Redis instead.)
    Message publish(const QString &text);
    // Closes this loop's open event streams and WebSockets gracefully, so clients resume with
    // Last-Event-ID or since (POST /api/streams/close asks every loop).
    int closeStreams();

    const MessageLog &log() const { return m_log; }
    const PatternCounters &counters(PushLab::Pattern p) const { return m_counters[p]; }
    int connectionCount() const;
    int waitingPollCount() const;
    int openStreamCount() const;
    int openWebSocketCount() const;
    int maxConnections() const { return m_maxConnections; }
    // This loop's view: the whole server's when it is a server of its own.
    QByteArray statsJson();
    // Requests this loop read and parsed itself (the fast path) rather than through QHttpServer.
    qint64 fastPathRequests() const;

Q_SIGNALS:
    void messagePublished(quint64 id);

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    void init();
    Listener::Verdict accept(QTcpSocket *socket);
    void serveWithHttpServer(Connection &c);
    // A parsed request, from QHttpServer or the fast path: answered now or queued.
    void receive(Connection &c, RequestInfo info);
    void onReadyRead(QTcpSocket *socket);
    void onDisconnected(QTcpSocket *socket);
    void dispatch(Connection &c, const RequestInfo &info);
    void drainQueue(QTcpSocket *socket);
    void reject(Connection &c, int status, const QString &message);
    void sweep();

    // GET /api/stats and POST /api/streams/close: asks every loop, answers when all have.
    void askEveryLoop(Connection &c, bool closeStreams);
    void answerGathered(QTcpSocket *socket, quint64 serial, bool closeStreams,
                        const std::vector<StatsReport::Loop> &reports);
    StatsReport::Loop report(bool closeStreams);
    StatsReport::Server serverFacts() const;

    // A message is in the group's history (published here): pushed, and signalled.
    bool adoptListener(bool listening); // binds it once it listens; else deletes it
    Message take(const QString &text);  // a publish from a request (or the ticker)
    void stored(const Message &m);
    // Takes in what other loops published since this one last looked, and pushes it.
    void catchUp();

    ServerConfig m_config;
    std::shared_ptr<ServerGroup> m_group;
    MessageLog m_log;               // this loop's replica of the group's history
    Listener *m_listener = nullptr; // child
    // The context of our handlers on each socket (a child). Not `this`: QHttpServer looks up
    // QObject::sender() on the server at each new connection, which walks every connection
    // made to the server, so handlers there would make accepting quadratic.
    QObject *m_socketContext = nullptr;
    TrafficCounters m_counters;
    std::unique_ptr<LoopMesh> m_mesh;
    std::unique_ptr<ConnectionTable> m_connections;
    std::unique_ptr<SocketWriter> m_writer;
    std::unique_ptr<Responder> m_responder;
    std::unique_ptr<PollService> m_polls;
    std::unique_ptr<StreamService> m_streams;
    std::unique_ptr<WebSocketService> m_websockets;
    std::unique_ptr<FastPathReader> m_fastPath;
    std::unique_ptr<StaticFiles> m_staticFiles;
    std::unique_ptr<PublishDesk> m_desk;
    QTimer m_sweepTimer;
    MemoryTrim m_trim;
    bool m_noDelayInherited = false; // accepted sockets come with TCP_NODELAY set
    int m_maxConnections = 0;
    qint64 m_refusedConnections = 0;
    bool m_shuttingDown = false;
};
