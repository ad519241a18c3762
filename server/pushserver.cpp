#include "pushserver.h"

#include "connectiontable.h"
#include "fastpathreader.h"
#include "httpresponse.h"
#include "loopmesh.h"
#include "originpolicy.h"
#include "pollservice.h"
#include "publishdesk.h"
#include "responder.h"
#include "routetable.h"
#include "sendring.h"
#include "servergroup.h"
#include "socketwriter.h"
#include "staticfiles.h"
#include "streamservice.h"
#include "websocketservice.h"

#include <QtCore/QLoggingCategory>
#include <QtHttpServer/QHttpServerRequest>
#include <QtNetwork/QTcpSocket>

Q_LOGGING_CATEGORY(lcServer, "pushlab.server", QtWarningMsg)

using PushLab::Pattern;
using Flavour = Connection::Flavour;
using State = Connection::State;

PushServer::PushServer(const ServerConfig &config, QObject *parent)
    : PushServer(config,
                 std::make_shared<ServerGroup>(config.historySize, quint64(PushLab::wallClockUs())),
                 parent) {}

PushServer::PushServer(const ServerConfig &config, std::shared_ptr<ServerGroup> group,
                       QObject *parent)
    : QAbstractHttpServer(parent)
    , m_config(config)
    , m_group(std::move(group))
    , m_log(m_group->historySize(), m_group->firstId())
    , m_socketContext(new QObject(this))
    , m_mesh(std::make_unique<LoopMesh>(
          *m_group, this,
          LoopMesh::Hooks{
              [this] { catchUp(); },
              [this](const std::vector<qintptr> &d) { m_listener->adopt(d); },
              [this](bool closeStreams) { return report(closeStreams); },
              [this](LoopMesh::Gather g) {
                  answerGathered(g.socket, g.serial, g.closeStreams, g.reports);
              },
              [this] { return m_shuttingDown; },
          }))
    , m_connections(std::make_unique<ConnectionTable>())
    , m_writer(std::make_unique<SocketWriter>(config.maxUnsentBytes, config.fanOutThreads))
    , m_responder(std::make_unique<Responder>(*m_writer, m_counters, this, m_socketContext))
    , m_polls(std::make_unique<PollService>(m_config, m_log, *m_connections, *m_responder, this,
                                            [this](QTcpSocket *s) { drainQueue(s); }))
    , m_streams(std::make_unique<StreamService>(m_config, m_log, *m_responder, m_socketContext))
    , m_websockets(
          std::make_unique<WebSocketService>(m_config, m_log, *m_responder, m_socketContext))
    , m_fastPath(std::make_unique<FastPathReader>(
          *m_connections, [this](Connection &c, RequestInfo info) { receive(c, std::move(info)); }))
    , m_staticFiles(std::make_unique<StaticFiles>())
    , m_desk(std::make_unique<PublishDesk>(*m_connections, *m_responder, this,
                                           PublishDesk::Hooks{
                                               [this](const QString &text) { return take(text); },
                                               [this](const Message &m) { stored(m); },
                                               [this](QTcpSocket *s) { drainQueue(s); },
                                           }))
    , m_sweepTimer(this) {
    // A tenth of the request timeout, at most 1 s: a slow head is cut within 10% of its time.
    m_sweepTimer.setInterval(qBound(100, config.requestTimeoutMs / 10, 1000));
    connect(&m_sweepTimer, &QTimer::timeout, this, &PushServer::sweep);
}

PushServer::~PushServer() {
    shutdown();
}

void PushServer::init() {
    m_maxConnections = ConnectionTable::capFor(m_config.maxConnections);
    if (m_maxConnections < m_config.maxConnections && m_mesh->loopIndex() == 0)
        qCInfo(lcServer, "connection cap %d (the open-file limit)", m_maxConnections);
    m_listener = new Listener([this](QTcpSocket *socket) { return accept(socket); }, this);
    m_listener->setRouter([this](qintptr descriptor) { return m_mesh->route(descriptor); },
                          [this] { m_mesh->flushHandoffs(); });
    m_desk->shareThrough(m_config.redisUrl, *m_group, m_mesh->loopIndex(), [this] { catchUp(); });
}

bool PushServer::listen(QString *errorMessage) {
    init();
    if (!adoptListener(m_listener->listenOn(m_config.bindAddress, m_config.port,
                                            m_config.listenBacklog, errorMessage)))
        return false;
    m_desk->startTicker(m_config.tickerSeconds);
    qCInfo(lcServer, "listening on %s:%d", qPrintable(m_config.bindAddress.toString()), port());
    return true;
}

bool PushServer::serveAlongside(qintptr listeningSocket, QString *errorMessage) {
    init();
    // Never accepts on the shared socket: the listening loop does and hands over (adopt).
    return adoptListener(m_listener->shareListeningSocket(listeningSocket, errorMessage));
}

bool PushServer::adoptListener(bool listening) {
    if (!listening) {
        delete m_listener;
        m_listener = nullptr;
        return false;
    }
    bind(m_listener);
    m_noDelayInherited = m_listener->setNoDelayInherited();
    return true;
}

int PushServer::connectionCount() const {
    return int(m_connections->size());
}

int PushServer::waitingPollCount() const {
    return m_polls->waitingCount();
}

int PushServer::openStreamCount() const {
    return m_streams->count();
}

int PushServer::openWebSocketCount() const {
    return m_websockets->count();
}

qint64 PushServer::fastPathRequests() const {
    return m_fastPath->requests();
}

void PushServer::shutdown() {
    if (m_shuttingDown)
        return;
    m_shuttingDown = true;
    m_sweepTimer.stop();
    m_desk->stop();
    if (m_listener)
        m_listener->close();
    m_mesh->shutdown();
    // Detach our handlers before anything can emit disconnected into half-destroyed state
    // (a socket's destructor emits it synchronously).
    m_polls->clear();
    m_streams->clear();
    m_websockets->clear();
    const auto sockets = m_connections->takeAll(); // and whether QHttpServer serves each
    m_group->connectionGone(m_mesh->loopIndex(), int(sockets.size()));
    for (const auto &[socket, withHttpServer] : sockets) {
        disconnect(socket, nullptr, m_socketContext, nullptr);
        if (!withHttpServer) // else QHttpServer deletes it once disconnected
            connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        socket->disconnectFromHost();
    }
}

Listener::Verdict PushServer::accept(QTcpSocket *socket) {
    const int loop = m_mesh->loopIndex();
    if (!socket) { // the descriptor was unusable (and is closed)
        m_group->connectionGone(loop);
        return Listener::Verdict::Refused;
    }
    // This connection is already counted (LoopMesh::route), hence "more than".
    if (m_shuttingDown || m_group->totalConnections() > m_maxConnections) {
        m_group->connectionGone(loop);
        if (m_refusedConnections++ % 1000 == 0) {
            qCWarning(lcServer,
                      "connection limit (%d) reached: refusing with 503 (%lld refused so far)",
                      m_maxConnections, m_refusedConnections);
        }
        Listener::refuse(socket);
        return Listener::Verdict::Refused;
    }
    if (!m_noDelayInherited)
        socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    // Reading stops past this (the request is then rejected): a peer cannot make us buffer more.
    socket->setReadBufferSize(m_config.maxRequestBytes + 64 * 1024);
    Connection &c = m_connections->add(socket);
    c.framer = RequestFramer(m_config.maxHeaderBytes);
    // With the fast path, QHttpServer gets a connection only when a request needs it: a
    // crowd of polls and streams then costs no request object, parser or handlers there.
    EpollEventDispatcher *dispatcher = EpollEventDispatcher::current();
    c.withHttpServer = dispatcher == nullptr;
    if (!m_sweepTimer.isActive())
        m_sweepTimer.start();
    // Connected before QHttpServer's own handlers, so ours run first on every signal.
    connect(socket, &QTcpSocket::readyRead, m_socketContext,
            [this, socket] { onReadyRead(socket); });
    connect(socket, &QTcpSocket::disconnected, m_socketContext,
            [this, socket] { onDisconnected(socket); });
    if (!dispatcher)
        return Listener::Verdict::Serve;
    dispatcher->hookReads(int(c.fd), m_fastPath.get(), socket);
    return Listener::Verdict::Keep;
}

void PushServer::serveWithHttpServer(Connection &c) {
    // Qt has read bytes the fast path left (a POST, the page, a request split across
    // packets...): from now on QHttpServer parses this connection's requests too. It missed
    // the readyRead of those bytes, so it gets one of its own on the next turn.
    c.withHttpServer = true;
    c.countedUnread = c.socket->bytesAvailable();
    m_listener->serve(c.socket);
    Responder::rereadLater(c.socket);
}

void PushServer::onReadyRead(QTcpSocket *socket) {
    Connection *found = m_connections->find(socket);
    if (!found)
        return;
    Connection &c = *found;
    const qint64 now = PushLab::monotonicMs();
    c.lastActivityMs = now;
    // QHttpServer reads everything available on each readyRead (inside a transaction), so
    // what is available now is what arrived since (less what was counted before it took
    // this connection over): the running total is the request's size.
    const qint64 fresh = socket->bytesAvailable() - std::exchange(c.countedUnread, 0);
    if (fresh > 0) {
        if (c.requestBytes == 0) // a request starts
            c.requestStartedMs = now;
        c.requestBytes += fresh;
        // The new bytes are the last `fresh` of what is unread (QHttpServer reads it all).
        if (auto p =
                c.framer.feed(QByteArrayView(socket->peek(socket->bytesAvailable())).last(fresh))) {
            reject(c, p->status, p->message);
            return;
        }
        if (c.framer.upgraded()) { // GET /api/ws: from now on the socket is the WebSocket's
            if (std::optional<RequestInfo> info = m_websockets->takeUpgrade(c))
                dispatch(c, *info);
            else
                reject(c, 400, QStringLiteral("A WebSocket upgrade must be one request alone."));
            return;
        }
    }
    if (c.requestBytes > m_config.maxRequestBytes) {
        reject(
            c, 413,
            QStringLiteral("The request is larger than %1 bytes.").arg(m_config.maxRequestBytes));
        return;
    }
    if (!c.withHttpServer && socket->bytesAvailable() > 0 && !c.rejected && !c.closing)
        serveWithHttpServer(c);
}

void PushServer::onDisconnected(QTcpSocket *socket) {
    Connection *found = m_connections->find(socket);
    if (!found)
        return;
    Connection &c = *found;
    if (EpollEventDispatcher *dispatcher = EpollEventDispatcher::current())
        dispatcher->unhookReads(int(c.fd), socket);
    if (c.state == State::Waiting)
        m_polls->unpark(c);
    if (c.state == State::Streaming)
        m_streams->remove(c);
    if (c.state == State::WebSocket)
        m_websockets->remove(c);
    if (!c.withHttpServer) // else QHttpServer deletes it
        socket->deleteLater();
    m_connections->erase(socket);
    m_group->connectionGone(m_mesh->loopIndex()); // the sweep stops its timer when empty
}

bool PushServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) {
    Connection *found = m_connections->find(socket);
    if (!found)
        return true; // shutting down, or refused: nothing more to say
    Connection &c = *found;
    const qint64 received = c.requestBytes;
    c.requestBytes = 0;
    c.requestStartedMs = 0;
    c.lastActivityMs = PushLab::monotonicMs();
    if (c.rejected || c.closing || c.state == State::Streaming)
        return true;
    RequestInfo info = RequestInfo::from(request);
    info.headerBytes = received - info.body.size();
    info.http10 = c.framer.takeHttp10(); // however its request line was split across packets
    receive(c, std::move(info));
    return true;
}

void PushServer::missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) {
    // handleRequest answers every request itself; this is only reached if that ever changes.
    Q_UNUSED(request);
    socket->write(HttpResponse::error(404, QStringLiteral("Not found.")).toBytes());
}

void PushServer::receive(Connection &c, RequestInfo info) {
    if (c.state == State::Waiting || c.state == State::Gathering) {
        // HTTP/1.1 pipelining behind a parked poll: answer in order once the poll is answered.
        if (int(c.queued.size()) >= Connection::maxQueuedRequests) {
            reject(c, 429, QStringLiteral("Too many pipelined requests behind a waiting poll."));
            return;
        }
        c.queued.push_back(std::move(info));
        return;
    }
    dispatch(c, info);
}

void PushServer::dispatch(Connection &c, const RequestInfo &info) {
    const Route route = RouteTable::find(info.path);
    // What any loop published (this one too, earlier this turn) is visible at once (one atomic
    // read when nothing is new); a publish reads no history, so its fan-out waits (take).
    if (!RouteTable::publishes(route, info.method) && m_group->lastId() != m_log.lastId())
        catchUp();
    if (info.headerBytes > m_config.maxHeaderBytes) {
        reject(c, 431,
               QStringLiteral("The request headers are larger than %1 bytes.")
                   .arg(m_config.maxHeaderBytes));
        return;
    }
    // HTTP/1.0 has no persistent connections unless both sides say keep-alive; the answer
    // says close instead (allowed either way), so a 1.0 client never waits for an end.
    if (info.http10 || info.connection.toLower().contains("close"))
        c.closeAfterResponse = true;
    if (!info.userAgent.isEmpty())
        c.userAgent = info.userAgent.left(200);
    // Refused (Host, another site), the page's files, OPTIONS or 405; else a handler answers.
    std::optional<HttpResponse> answer = OriginPolicy::refusal(info, route, m_config.allowedHosts);
    if (!answer && route == Route::None)
        answer = m_staticFiles->answerOr404(info);
    if (!answer)
        answer = RouteTable::answerForMethod(route, info);
    if (answer) {
        m_responder->send(c, std::move(*answer));
        return;
    }
    switch (route) {
    case Route::Messages:
        if (info.method == RequestInfo::Method::Post)
            m_desk->answer(c, info, false);
        else
            m_polls->shortPoll(c, info);
        return;
    case Route::Wait:
        m_polls->wait(c, info, Flavour::Api);
        return;
    case Route::Events:
        m_streams->open(c, info, Flavour::Api);
        return;
    case Route::Stats:
        askEveryLoop(c, false);
        return;
    case Route::CloseStreams: // another origin was refused above
        askEveryLoop(c, true);
        return;
    case Route::SeedGet:
        m_polls->wait(c, info, Flavour::Seed);
        return;
    case Route::SeedUpdate:
        m_desk->answer(c, info, true);
        return;
    case Route::SeedEvents:
        m_streams->open(c, info, Flavour::Seed);
        return;
    case Route::WebSocket:
        m_websockets->open(c, info);
        return;
    case Route::None:
        return; // answered above
    }
}

void PushServer::drainQueue(QTcpSocket *socket) {
    // Answer requests that were pipelined behind a poll, until one of them waits again.
    while (Connection *c = m_connections->find(socket)) {
        if (c->queued.empty() || c->state != State::Idle || c->closing)
            return;
        RequestInfo next = std::move(c->queued.front());
        c->queued.erase(c->queued.begin());
        dispatch(*c, next);
    }
}

void PushServer::reject(Connection &c, int status, const QString &message) {
    if (c.rejected)
        return;
    c.rejected = true;
    qCInfo(lcServer, "%d for %s:%d: %s", status, qPrintable(c.peerAddress.toString()),
           int(c.peerPort), qPrintable(message));
    // Stop parsing this connection: whatever else it sends is not a request we will answer.
    m_responder->stopReadingRequests(c.socket);
    if (c.state == State::Waiting)
        m_polls->unpark(c);
    c.queued.clear();
    m_writer->write(c.socket, c.fd,
                    HttpResponse::error(status, message).closeConnection().toBytes());
    m_responder->closeLater(c);
}

void PushServer::sweep() {
    const qint64 now = PushLab::monotonicMs();
    const ConnectionTable::Overdue overdue =
        m_connections->overdue(now, m_config.requestTimeoutMs, m_config.keepAliveTimeoutMs);
    for (QTcpSocket *socket : overdue.timedOut) {
        if (Connection *c = m_connections->find(socket))
            reject(*c, 408,
                   QStringLiteral("The request was not complete after %1 ms.")
                       .arg(m_config.requestTimeoutMs));
    }
    for (QTcpSocket *socket : overdue.idle)
        socket->disconnectFromHost();
    // Idle costs nothing: once the loop is empty (and its freed memory was looked at), stop.
    if (m_trim.afterSweep(int(m_connections->size()), now) != MemoryTrim::Outcome::Later &&
        m_connections->empty())
        m_sweepTimer.stop();
}

Message PushServer::publish(const QString &text) {
    const Message m = m_group->publish(text, m_mesh->loopIndex());
    stored(m);
    return m;
}

Message PushServer::take(const QString &text) {
    // Fanned out when this turn of the loop ends (the mesh's wake-up): publishes that arrive
    // together reach each stream in one write. Requests that read catch up first (dispatch).
    const Message m = m_group->publish(text, m_mesh->loopIndex());
    m_mesh->wake();
    Q_EMIT messagePublished(m.id);
    return m;
}

void PushServer::stored(const Message &m) {
    catchUp();
    Q_EMIT messagePublished(m.id);
}

void PushServer::catchUp() {
    const quint64 before = m_log.lastId();
    if (m_shuttingDown || m_group->lastId() == before)
        return;
    quint64 epoch = 0;
    const std::vector<Message> news = m_group->messagesAfter(before, &epoch);
    const bool restarted = epoch != m_log.firstId(); // Redis lost the shared history
    if (restarted || (!news.empty() && news.front().id != before + 1)) {
        // Or more was published than the history keeps while this loop was busy elsewhere:
        // its streams are told, as a resuming stream would be (polls see it in their answer).
        using Reason = MessageLog::Gap::Reason;
        const MessageLog::Gap gap{before, news.empty() ? epoch : news.front().id,
                                  restarted ? Reason::EarlierRun : Reason::Evicted};
        m_streams->pushGap(gap);
        m_websockets->pushGap(gap);
    }
    if (restarted)
        m_log.startOver(epoch);
    for (const Message &m : news)
        m_log.adopt(m);
    // Long polls first (each answer is one write), then streams.
    m_polls->answerAll();
    m_streams->pushNews(before);
    m_websockets->pushNews(before);
}

int PushServer::closeStreams() {
    return m_streams->closeAll() + m_websockets->closeAll();
}

void PushServer::askEveryLoop(Connection &c, bool closeStreams) {
    c.state = State::Gathering;
    m_mesh->gather(c.socket, c.serial, closeStreams);
}

void PushServer::answerGathered(QTcpSocket *socket, quint64 serial, bool closeStreams,
                                const std::vector<StatsReport::Loop> &reports) {
    Connection *c = m_connections->find(socket, serial);
    if (!c || c->state != State::Gathering || c->rejected || c->closing)
        return; // the asker left meanwhile
    c->state = State::Idle;
    m_responder->send(*c, closeStreams ? StatsReport::closedAnswer(reports)
                                       : StatsReport::answer(reports, serverFacts()));
    drainQueue(socket);
}

StatsReport::Loop PushServer::report(bool closeStreams) {
    StatsReport::Loop r =
        StatsReport::of(*m_connections, m_counters, m_polls->waitingCount(), m_streams->count());
    if (closeStreams)
        r.closedStreams = this->closeStreams();
    return r;
}

StatsReport::Server PushServer::serverFacts() const {
    return {m_log.publishedCount(),
            m_log.lastId(),
            m_log.size(),
            m_group->startedAtUs(),
            m_maxConnections,
            m_config.fanOutThreads,
            SendRing::forThisThread().usesIoUring()};
}

QByteArray PushServer::statsJson() {
    return StatsReport::json({report(false)}, serverFacts());
}
