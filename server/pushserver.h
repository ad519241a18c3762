#pragma once

#include "epolleventdispatcher.h"
#include "listener.h"
#include "messagelog.h"
#include "pattern.h"
#include "requestinfo.h"
#include "serverconfig.h"
#include "servergroup.h"

#include <QtCore/QTimer>
#include <QtHttpServer/QAbstractHttpServer>
#include <QtNetwork/QHostAddress>

#include <QtCore/QJsonArray>

#include <array>
#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>

class FanOutPool;
class HttpResponse;
class QTcpSocket;

// The push server: publishes messages into a bounded history and pushes them to short-poll,
// long-poll and SSE clients (plus the seed demo's routes). One PushServer is one event loop
// and lives in one thread; everything it holds per client is bounded, and a client that
// vanishes is forgotten at once. Several can serve one port together (ServerHost does that):
// they share a ServerGroup, the first one listens and hands each new connection to the loop
// with the fewest, and a message published through any of them reaches the clients of all.
class PushServer final : public QAbstractHttpServer, private EpollEventDispatcher::ReadHook {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PushServer)

public:
    struct PatternCounters {
        qint64 requests = 0;
        qint64 delivered = 0; // messages handed to clients
        qint64 bytesOut = 0;
    };

    // Everything the loops of one server report when asked (GET /api/stats, stream closing).
    struct LoopReport {
        std::array<PatternCounters, 3> counters{};
        std::array<qint64, 3> open{}; // per pattern: polled recently, waiting, streaming
        qint64 connections = 0;
        qint64 peersTotal = 0;
        QJsonArray peers; // at most maxListedPeers
        int closedStreams = 0;
    };

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
    qintptr listeningSocket() const;
    quint16 port() const;
    // Answers or closes every client and stops listening; the server can then be destroyed.
    void shutdown();

    // Publishes in-process (ticker, tests); clients see it exactly as a POSTed message.
    Message publish(const QString &text);
    // Closes this loop's open event streams gracefully, so clients reconnect with
    // Last-Event-ID (POST /api/streams/close asks every loop).
    int closeStreams();
    // Thread-safe: another loop published; catch up on the next turn of this loop.
    void wake();

    const MessageLog &log() const { return m_log; }
    const PatternCounters &counters(PushLab::Pattern p) const {
        return m_counters[PushLab::patternIndex(p)];
    }
    int connectionCount() const { return int(m_connections.size()); }
    int waitingPollCount() const { return int(m_waiters.size()); }
    int openStreamCount() const { return int(m_streams.size()); }
    int maxConnections() const { return m_maxConnections; }
    // This loop's view: the whole server's when it is a server of its own.
    QByteArray statsJson();
    // Requests this loop read and parsed itself (the fast path) rather than through QHttpServer.
    qint64 fastPathRequests() const { return m_fastPathRequests; }

Q_SIGNALS:
    void messagePublished(quint64 id);

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    // Gathering: waiting for the other loops' reports before answering.
    enum class ConnState { Idle, Waiting, Streaming, Gathering };
    enum class Flavour { Api, Seed }; // our JSON routes, or the seed demo's plain-text ones

    struct Connection {
        QTcpSocket *socket = nullptr;
        qintptr fd = -1;
        quint64 serial = 0;       // tells a connection from a later one at the same address
        QHostAddress peerAddress; // formatted only when shown (stats, logs)
        quint16 peerPort = 0;
        QByteArray userAgent;
        qint64 lastActivityMs = 0;
        qint64 requestStartedMs = 0; // first byte of the request being received; 0 = none
        qint64 requestBytes = 0;
        ConnState state = ConnState::Idle;
        Flavour flavour = Flavour::Api;
        std::optional<PushLab::Pattern> pattern;
        qint64 patternSinceUs = 0;
        qint64 lastPatternRequestMs = 0; // last poll or stream request on this connection
        bool closeAfterResponse = false;
        bool rejected = false;
        bool closing = false; // answered with Connection: close; ends on the next loop turn
        // QHttpServer serves this connection too. Connections whose requests all take the fast
        // path never need it (see accept); the others are handed over at their first request
        // the fast path leaves.
        bool withHttpServer = false;
        qint64 countedUnread = 0; // bytes counted in requestBytes still unread in the socket
        bool http10 = false;      // the request being received says HTTP/1.0
        // Long poll / seed /getmessage waiting:
        quint64 waitSince = 0;
        std::multimap<qint64, QTcpSocket *>::iterator deadline;
        // Seed /getmessage hands out one message per request, remembered per connection.
        bool seedCursorSet = false;
        quint64 seedCursor = 0;
        // Pipelined behind a waiting poll, answered in order (at most maxQueuedRequests). A
        // vector, not a deque: an empty std::deque allocates about 600 bytes, per connection.
        std::vector<RequestInfo> queued;
        std::size_t streamIndex = 0; // into m_streams while state == Streaming
        std::size_t waitIndex = 0;   // into m_waiters while state == Waiting
    };

    void init();
    Listener::Verdict accept(QTcpSocket *socket);
    void serveWithHttpServer(Connection &c);
    void inheritNoDelay();
    // The fast path (see takeRead in the .cpp).
    bool takeRead(int fd, void *context) override;
    // A parsed request, from QHttpServer or the fast path: answered now or queued.
    void receive(Connection &c, RequestInfo info);
    bool routeConnection(qintptr socketDescriptor);
    void flushHandoffs();
    void onReadyRead(QTcpSocket *socket);
    void onDisconnected(QTcpSocket *socket);
    void dispatch(Connection &c, const RequestInfo &info);
    void drainQueue(Connection &c);

    void handlePublish(Connection &c, const RequestInfo &info);
    void handleShortPoll(Connection &c, const RequestInfo &info);
    void handleWait(Connection &c, const RequestInfo &info, Flavour flavour);
    void handleEvents(Connection &c, const RequestInfo &info, Flavour flavour);
    void handleStats(Connection &c);
    void handleCloseStreams(Connection &c, const RequestInfo &info);
    void handleSeedUpdate(Connection &c, const RequestInfo &info);
    bool handleStatic(Connection &c, const RequestInfo &info);

    bool originAllowed(const RequestInfo &info) const;
    void setPattern(Connection &c, PushLab::Pattern p);
    void send(Connection &c, HttpResponse response,
              std::optional<PushLab::Pattern> countAs = std::nullopt, int delivered = 0);
    void sendBytes(Connection &c, const QByteArray &bytes,
                   std::optional<PushLab::Pattern> countAs = std::nullopt, int delivered = 0);
    void reject(Connection &c, int status, const QString &message);
    // Neither QHttpServer nor our byte counting reads requests from this socket any more.
    void stopReadingRequests(QTcpSocket *socket);
    // Ends the connection on the next turn of the event loop (see the definition for why).
    void closeLater(Connection &c);
    QByteArray pollBody(quint64 since, int *count) const;
    // A poll's `since`: the last id when absent ("from now"), nullopt when malformed.
    std::optional<quint64> sinceOf(const RequestInfo &info) const;

    void park(Connection &c, quint64 since, int timeoutSeconds, Flavour flavour);
    void unpark(Connection &c);
    using WaitBodyCache = std::unordered_map<quint64, std::pair<QByteArray, int>>;
    // One encoded answer per `since` and fan-out, shared by the waiters that waited since it.
    const std::pair<QByteArray, int> &waitAnswer(quint64 since, WaitBodyCache *cache) const;
    void answerWaiters();
    void answerSeedWaiting(Connection &c);
    void onDeadline();
    void armDeadlineTimer();

    // Takes in what other loops published since this one last looked, and pushes it.
    void catchUp();
    void fanOut(quint64 since);
    void writeToStreams(const QByteArray &apiBytes, const QByteArray &seedBytes, int delivered);
    FanOutPool &fanOutPool(); // made at the first large fan-out
    void sweep();
    LoopReport report(bool closeStreams);
    // Asks every loop for its report (this one at once, the others through their event
    // loops) and answers c when all have: GET /api/stats and POST /api/streams/close.
    void askEveryLoop(Connection &c, bool closeStreams);
    void takeReport(quint64 token, int loopIndex, LoopReport report);
    QByteArray statsJson(const std::vector<LoopReport> &reports);
    void removeStream(Connection &c);
    // Writes at once with send(2) when nothing is queued in the socket (the common case), else
    // queues behind what is. False when the peer is too slow (over maxUnsentBytes) or gone.
    bool writeNow(QTcpSocket *socket, qintptr fd, const QByteArray &bytes);

    ServerConfig m_config;
    std::shared_ptr<ServerGroup> m_group;
    int m_loopIndex = 0;
    MessageLog m_log; // this loop's replica of the group's history
    std::atomic<bool> m_newsPending{false};
    Listener *m_listener = nullptr; // child
    // The context of our handlers on each socket (a child). Not `this`: QHttpServer looks up
    // QObject::sender() on the server at each new connection, which walks every connection
    // made to the server, so handlers there would make accepting quadratic.
    QObject *m_socketContext = nullptr;
    std::unordered_map<QTcpSocket *, Connection> m_connections;
    // Parked polls, packed for the fan-out (swap-removed; Connection::waitIndex finds one).
    // A Connection stays put in m_connections (a node container) until it is erased, and it
    // leaves this list before that.
    std::vector<Connection *> m_waiters;
    std::multimap<qint64, QTcpSocket *> m_deadlines; // one sorted list serves every waiter
    // Open streams, packed for the fan-out loop (swap-removed; Connection::streamIndex finds one).
    struct Stream {
        QTcpSocket *socket = nullptr;
        qintptr fd = -1;
        Flavour flavour = Flavour::Api;
    };
    std::vector<Stream> m_streams;
    std::unique_ptr<FanOutPool> m_fanOut; // made at the first large fan-out
    std::array<PatternCounters, 3> m_counters{};
    std::map<int, std::vector<qintptr>> m_handoffs; // accepted for other loops, this round
    struct Gather {
        QTcpSocket *socket = nullptr;
        quint64 serial = 0;
        bool closeStreams = false;
        int outstanding = 0;
        std::vector<LoopReport> reports; // by loop index
    };
    std::unordered_map<quint64, Gather> m_gathers;
    quint64 m_nextGatherToken = 0;
    quint64 m_nextSerial = 0;
    qint64 m_fastPathRequests = 0;
    QHash<QString, QByteArray> m_staticCache;
    QByteArray m_upToDateAnswer; // the short-poll answer for since == lastId
    quint64 m_upToDateFor = 0;
    QTimer m_deadlineTimer;
    QTimer m_heartbeatTimer;
    QTimer m_sweepTimer;
    QTimer m_tickerTimer;
    qint64 m_tickerCount = 0;
    bool m_noDelayInherited = false; // accepted sockets come with TCP_NODELAY set
    int m_maxConnections = 0;
    qint64 m_refusedConnections = 0;
    bool m_shuttingDown = false;
};
