#include "pushserver.h"

#include "clock.h"
#include "fanoutpool.h"
#include "httpresponse.h"
#include "listener.h"
#include "sendring.h"

#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QLoggingCategory>
#include <QtCore/QPointer>
#include <QtCore/QRegularExpression>
#include <QtCore/QStringDecoder>
#include <QtHttpServer/QHttpServerRequest>
#include <QtNetwork/QTcpSocket>

#include <cerrno>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcServer, "pushlab.server", QtWarningMsg)
Q_LOGGING_CATEGORY(lcSse, "pushlab.server.sse", QtWarningMsg)

using PushLab::Pattern;
using PushLab::patternIndex;

namespace {

constexpr qint64 maxTextBytes = 64 * 1024;
constexpr int maxQueuedRequests = 8;
constexpr int maxListedPeers = 200;
constexpr qint64 recentPollMs = 10000; // an idle poller still counts as connected this long
// Below this many streams a fan-out is quicker alone than with helpers to wake.
constexpr std::size_t fanOutPoolMinStreams = 512;
const QByteArray heartbeatBytes = QByteArrayLiteral(": heartbeat\n\n");

// Raises the soft open-file limit to the hard one (the usual 1,024 would cap the server
// far below the connection counts it is built for) and returns the soft limit in force.
rlim_t raiseOpenFileLimit() {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return 1024;
    if (limit.rlim_cur < limit.rlim_max) {
        rlimit raised = limit;
        raised.rlim_cur = limit.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0)
            return raised.rlim_cur;
    }
    return limit.rlim_cur;
}

// A message id or count from a query: digits only, fits in 64 bits.
std::optional<quint64> parseUnsigned(const QString &text) {
    if (text.isEmpty() || text.size() > 20)
        return std::nullopt;
    for (QChar ch : text) {
        if (ch < u'0' || ch > u'9')
            return std::nullopt;
    }
    bool ok = false;
    const quint64 value = text.toULongLong(&ok);
    return ok ? std::optional<quint64>(value) : std::nullopt;
}

QByteArray gapJson(const MessageLog::Gap &gap) {
    using Reason = MessageLog::Gap::Reason;
    const char *reason = gap.reason == Reason::EarlierRun ? "restart"
                         : gap.reason == Reason::Unknown  ? "unknown"
                                                          : "evicted";
    return "{\"lastSeenId\":" + QByteArray::number(gap.lastSeenId) +
           ",\"firstAvailableId\":" + QByteArray::number(gap.firstAvailableId) + ",\"reason\":\"" +
           reason + "\"}";
}

QByteArray contentTypeFor(const QString &name) {
    if (name.endsWith(u".html"))
        return "text/html; charset=utf-8";
    if (name.endsWith(u".js") || name.endsWith(u".mjs"))
        return "text/javascript; charset=utf-8";
    if (name.endsWith(u".css"))
        return "text/css; charset=utf-8";
    if (name.endsWith(u".svg"))
        return "image/svg+xml";
    if (name.endsWith(u".png"))
        return "image/png";
    if (name.endsWith(u".ico"))
        return "image/x-icon";
    if (name.endsWith(u".json"))
        return "application/json";
    return "application/octet-stream";
}

enum class Route {
    None,
    Messages,
    Wait,
    Events,
    Stats,
    CloseStreams,
    SeedGet,
    SeedUpdate,
    SeedEvents
};

// After a send(2) of `bytes` that returned `sent` (-1: errno `error`): what did not go is
// queued in the QTcpSocket, which sends it when it can. Nothing when all went, or when the
// peer is gone (the read notifier reports that, and the connection is forgotten then).
void queueUnsent(QTcpSocket *socket, const QByteArray &bytes, qint64 sent, int error) {
    if (sent < 0 && error == ECANCELED) {
        // Unknown whether it went (SendRing): resending could repeat it, so the peer is
        // dropped, on the next turn (callers are walking their lists now).
        QMetaObject::invokeMethod(socket, &QAbstractSocket::abort, Qt::QueuedConnection);
        return;
    }
    if (sent == bytes.size() || (sent < 0 && error != EAGAIN && error != EWOULDBLOCK))
        return;
    const qint64 done = qMax<qint64>(0, sent);
    socket->write(bytes.constData() + done, bytes.size() - done);
}

// How much of a request the server looks at to learn its HTTP version.
constexpr qint64 maxRequestLinePeek = 1024;

// Whether the request at the front of `bytes` says HTTP/1.0 (empty lines before a request
// line are allowed, RFC 9112 2.2).
bool saysHttp10(QByteArrayView bytes) {
    qsizetype start = 0;
    while (start < bytes.size() && (bytes[start] == '\r' || bytes[start] == '\n'))
        ++start;
    const qsizetype end = bytes.indexOf('\n', start);
    if (end < 0)
        return false;
    QByteArrayView line = bytes.sliced(start, end - start);
    if (line.endsWith('\r'))
        line.chop(1);
    return line.endsWith(" HTTP/1.0");
}

// Every route, once: routeFor and the fast path's list both come from here.
struct RoutePath {
    const char *path;
    Route route;
    bool fast; // a GET the fast path answers (polls and streams)
};
constexpr RoutePath routePaths[] = {
    {"/api/messages", Route::Messages, true},
    {"/api/messages/wait", Route::Wait, true},
    {"/api/events", Route::Events, true},
    {"/api/stats", Route::Stats, false},
    {"/api/streams/close", Route::CloseStreams, false},
    {"/getmessage", Route::SeedGet, true},
    {"/updatemessage", Route::SeedUpdate, false},
    {"/events", Route::SeedEvents, true},
};

Route routeFor(const QString &path) {
    static const QHash<QString, Route> routes = [] {
        QHash<QString, Route> table;
        for (const RoutePath &r : routePaths)
            table.insert(QString::fromLatin1(r.path), r.route);
        return table;
    }();
    return routes.value(path, Route::None);
}

const QList<QByteArrayView> &fastPaths() {
    static const QList<QByteArrayView> paths = [] {
        QList<QByteArrayView> list;
        for (const RoutePath &r : routePaths) {
            if (r.fast)
                list.append(QByteArrayView(r.path));
        }
        return list;
    }();
    return paths;
}

// Methods each route answers (OPTIONS always, as a CORS preflight).
QByteArray allowedMethods(Route route) {
    switch (route) {
    case Route::Messages:
        return "GET, POST, OPTIONS";
    case Route::CloseStreams:
        return "POST, OPTIONS";
    default:
        return "GET, OPTIONS";
    }
}

bool methodAllowed(Route route, RequestInfo::Method method) {
    using M = RequestInfo::Method;
    switch (route) {
    case Route::Messages:
        return method == M::Get || method == M::Post;
    case Route::CloseStreams:
        return method == M::Post;
    default:
        return method == M::Get;
    }
}

// A GET answer that is never cached and may be read from any origin (polls, stats).
HttpResponse uncached(HttpResponse response) {
    response.header("Cache-Control", "no-store").header("Access-Control-Allow-Origin", "*");
    return response;
}

HttpResponse badSince() {
    return HttpResponse::error(
        400, QStringLiteral("since must be a message id (a non-negative integer)."));
}

// The seed demo's plain-text answers.
HttpResponse seedText(const QByteArray &text) {
    HttpResponse response(200);
    response.body("text/plain; charset=utf-8", text)
        .header("Cache-Control", "no-cache")
        .header("Access-Control-Allow-Origin", "*");
    return response;
}

// Why a message text cannot be published, or nothing when it can.
std::optional<HttpResponse> textProblem(const QString &text, const QString &whenEmpty) {
    if (text.trimmed().isEmpty())
        return HttpResponse::error(400, whenEmpty);
    if (text.toUtf8().size() > maxTextBytes)
        return HttpResponse::error(
            413, QStringLiteral("A message may have at most %1 bytes of text.").arg(maxTextBytes));
    return std::nullopt;
}

} // namespace

PushServer::PushServer(const ServerConfig &config, QObject *parent)
    : PushServer(config,
                 std::make_shared<ServerGroup>(config.historySize, quint64(PushLab::wallClockUs())),
                 parent) {}

PushServer::PushServer(const ServerConfig &config, std::shared_ptr<ServerGroup> group,
                       QObject *parent)
    : QAbstractHttpServer(parent)
    , m_config(config)
    , m_group(std::move(group))
    , m_loopIndex(m_group->join(this))
    , m_log(m_group->historySize(), m_group->firstId())
    , m_deadlineTimer(this)
    , m_heartbeatTimer(this)
    , m_sweepTimer(this)
    , m_tickerTimer(this) {
    m_deadlineTimer.setSingleShot(true);
    m_deadlineTimer.setTimerType(Qt::PreciseTimer);
    connect(&m_deadlineTimer, &QTimer::timeout, this, &PushServer::onDeadline);

    m_heartbeatTimer.setInterval(qMax(100, config.heartbeatMs));
    connect(&m_heartbeatTimer, &QTimer::timeout, this,
            [this] { writeToStreams(heartbeatBytes, heartbeatBytes, 0); });

    // Often enough for the request timeout, rarely enough to cost nothing with 10,000 clients.
    m_sweepTimer.setInterval(qBound(100, config.requestTimeoutMs / 2, 5000));
    connect(&m_sweepTimer, &QTimer::timeout, this, &PushServer::sweep);

    if (config.tickerSeconds > 0) {
        m_tickerTimer.setInterval(int(config.tickerSeconds * 1000));
        connect(&m_tickerTimer, &QTimer::timeout, this,
                [this] { publish(QStringLiteral("Message %1").arg(++m_tickerCount)); });
    }
}

PushServer::~PushServer() {
    shutdown();
}

void PushServer::init() {
    const rlim_t files = raiseOpenFileLimit();
    // Keep some descriptors for the process itself (files, the GUI, the thread's wake-ups).
    m_maxConnections = int(qMin<qint64>(m_config.maxConnections, qint64(files) - 64));
    if (m_maxConnections < m_config.maxConnections && m_loopIndex == 0) {
        qCInfo(lcServer, "connection cap %d (open-file limit %llu)", m_maxConnections,
               static_cast<unsigned long long>(files));
    }
    m_socketContext = new QObject(this);
    m_listener = new Listener([this](QTcpSocket *socket) { return accept(socket); }, this);
    m_listener->setRouter([this](qintptr descriptor) { return routeConnection(descriptor); },
                          [this] { flushHandoffs(); });
}

bool PushServer::listen(QString *errorMessage) {
    init();
    m_listener->setListenBacklogSize(m_config.listenBacklog);
    if (!m_listener->listen(m_config.bindAddress, m_config.port)) {
        if (errorMessage) {
            if (m_listener->serverError() == QAbstractSocket::AddressInUseError)
                *errorMessage = QStringLiteral("port %1 is already in use").arg(m_config.port);
            else
                *errorMessage = QStringLiteral("cannot listen on %1:%2: %3")
                                    .arg(m_config.bindAddress.toString())
                                    .arg(m_config.port)
                                    .arg(m_listener->errorString());
        }
        delete m_listener;
        m_listener = nullptr;
        return false;
    }
    bind(m_listener);
    inheritNoDelay();
    // The heartbeat and sweep timers run only while there is someone to beat or sweep for:
    // an idle server wakes up for nothing.
    if (m_config.tickerSeconds > 0)
        m_tickerTimer.start();
    qCInfo(lcServer, "listening on %s:%d", qPrintable(m_config.bindAddress.toString()), port());
    return true;
}

bool PushServer::serveAlongside(qintptr listeningSocket, QString *errorMessage) {
    init();
    // A descriptor of our own for the shared listening socket, so that this loop's listener
    // is a listening QTcpServer (what QHttpServer serves from). It never accepts on it: the
    // listening loop does and hands connections over (Listener::adopt).
    const int descriptor = ::fcntl(int(listeningSocket), F_DUPFD_CLOEXEC, 0);
    if (descriptor < 0 || !m_listener->setSocketDescriptor(descriptor)) {
        if (descriptor >= 0)
            ::close(descriptor);
        if (errorMessage)
            *errorMessage = QStringLiteral("cannot share the listening socket: %1")
                                .arg(QString::fromLocal8Bit(strerror(errno)));
        delete m_listener;
        m_listener = nullptr;
        return false;
    }
    m_listener->setAdoptOnly();
    bind(m_listener);
    inheritNoDelay();
    return true;
}

void PushServer::inheritNoDelay() {
    // Linux gives an accepted socket the listening socket's TCP_NODELAY: set once here, it
    // saves a setsockopt(2) per connection (small answers and pushes must not wait for Nagle).
    const int one = 1;
    m_noDelayInherited = ::setsockopt(int(m_listener->socketDescriptor()), IPPROTO_TCP, TCP_NODELAY,
                                      &one, sizeof one) == 0;
}

qintptr PushServer::listeningSocket() const {
    return m_listener ? m_listener->socketDescriptor() : -1;
}

quint16 PushServer::port() const {
    return m_listener ? m_listener->serverPort() : 0;
}

void PushServer::shutdown() {
    if (m_shuttingDown)
        return;
    m_shuttingDown = true;
    m_deadlineTimer.stop();
    m_heartbeatTimer.stop();
    m_sweepTimer.stop();
    m_tickerTimer.stop();
    if (m_listener)
        m_listener->close();
    // Connections accepted for other loops but not handed over yet end here.
    for (const auto &[loop, descriptors] : std::exchange(m_handoffs, {})) {
        for (const qintptr descriptor : descriptors) {
            ::close(int(descriptor));
            m_group->connectionGone(loop);
        }
    }
    m_gathers.clear();
    m_fanOut.reset(); // joins the helpers
    // Detach our handlers before anything can emit disconnected into half-destroyed state
    // (a socket's destructor emits it synchronously).
    std::vector<std::pair<QTcpSocket *, bool>> sockets; // and whether QHttpServer serves it
    sockets.reserve(m_connections.size());
    for (const auto &[socket, c] : m_connections)
        sockets.emplace_back(socket, c.withHttpServer);
    m_waiters.clear();
    m_deadlines.clear();
    m_streams.clear();
    m_connections.clear();
    for (std::size_t i = 0; i < sockets.size(); ++i)
        m_group->connectionGone(m_loopIndex);
    for (const auto &[socket, withHttpServer] : sockets) {
        disconnect(socket, nullptr, m_socketContext, nullptr);
        if (!withHttpServer) // else QHttpServer deletes it once disconnected
            connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        socket->disconnectFromHost();
    }
}

bool PushServer::routeConnection(qintptr socketDescriptor) {
    const int loop = m_group->leastBusyLoop();
    m_group->connectionAssigned(loop); // now, so the next connection of this round sees it
    if (loop == m_loopIndex)
        return false;
    m_handoffs[loop].push_back(socketDescriptor); // handed over when the round ends
    return true;
}

void PushServer::flushHandoffs() {
    for (auto &[index, descriptors] : std::exchange(m_handoffs, {})) {
        PushServer *loop = m_group->loop(index);
        // The loops of a group are all deleted only after every one has shut down, and a
        // loop posts nothing once it has (ServerHost::stop), so `loop` is alive here.
        QMetaObject::invokeMethod(
            loop,
            [loop, descriptors = std::move(descriptors)] { loop->m_listener->adopt(descriptors); },
            Qt::QueuedConnection);
    }
}

Listener::Verdict PushServer::accept(QTcpSocket *socket) {
    if (!socket) { // the descriptor was unusable (and is closed)
        m_group->connectionGone(m_loopIndex);
        return Listener::Verdict::Refused;
    }
    // This connection is already counted (routeConnection), hence "more than".
    if (m_shuttingDown || m_group->totalConnections() > m_maxConnections) {
        m_group->connectionGone(m_loopIndex);
        if (m_refusedConnections++ % 1000 == 0) {
            qCWarning(lcServer,
                      "connection limit (%d) reached: refusing with 503 (%lld refused so far)",
                      m_maxConnections, m_refusedConnections);
        }
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        const QByteArray bytes =
            HttpResponse::error(
                503, QStringLiteral("The server is at its connection limit; try again later."))
                .closeConnection()
                .toBytes();
        socket->write(bytes);
        socket->disconnectFromHost();
        return Listener::Verdict::Refused;
    }
    if (!m_noDelayInherited)
        socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    // Reading stops past this (the request is then rejected): a peer cannot make us buffer more.
    socket->setReadBufferSize(m_config.maxRequestBytes + 64 * 1024);
    Connection c;
    c.socket = socket;
    c.fd = socket->socketDescriptor();
    c.serial = ++m_nextSerial;
    c.peerAddress = socket->peerAddress();
    c.peerPort = socket->peerPort();
    c.lastActivityMs = PushLab::monotonicMs();
    // With the fast path, QHttpServer gets a connection only when a request needs it: a
    // crowd of polls and streams then costs no request object, parser or handlers there.
    EpollEventDispatcher *dispatcher = EpollEventDispatcher::current();
    c.withHttpServer = dispatcher == nullptr;
    const qintptr fd = c.fd;
    m_connections.emplace(socket, std::move(c));
    if (!m_sweepTimer.isActive())
        m_sweepTimer.start();
    // Connected before QHttpServer's own handlers, so ours run first on every signal.
    connect(socket, &QTcpSocket::readyRead, m_socketContext,
            [this, socket] { onReadyRead(socket); });
    connect(socket, &QTcpSocket::disconnected, m_socketContext,
            [this, socket] { onDisconnected(socket); });
    if (!dispatcher)
        return Listener::Verdict::Serve;
    dispatcher->hookReads(int(fd), this, socket);
    return Listener::Verdict::Keep;
}

void PushServer::serveWithHttpServer(Connection &c) {
    // Qt has read bytes the fast path left (a POST, the page, a request split across
    // packets...): from now on QHttpServer parses this connection's requests too. It missed
    // the readyRead of those bytes, so it gets one of its own on the next turn.
    c.withHttpServer = true;
    c.countedUnread = c.socket->bytesAvailable();
    m_listener->serve(c.socket);
    QMetaObject::invokeMethod(
        c.socket,
        [socket = c.socket] {
            if (socket->bytesAvailable() > 0)
                Q_EMIT socket->readyRead();
        },
        Qt::QueuedConnection);
}

bool PushServer::takeRead(int fd, void *context) {
    // The fast path. A poll or a stream request is a few hundred bytes that, through QTcpSocket
    // and QHttpServer, cost a read notifier, FIONREAD, a ring buffer, two readyRead slots, a
    // parser, a request object and a QUrl: about 40 % of a short poll's CPU (perf). Here they
    // are peeked at with one recv(2); a plain GET of a polling or streaming route is consumed
    // and answered directly. Anything else stays in the socket untouched, and QTcpSocket and
    // QHttpServer read it as usual. Only while QHttpServer holds nothing of this connection:
    // no buffered bytes and no request half parsed.
    auto *socket = static_cast<QTcpSocket *>(context);
    const auto it = m_connections.find(socket);
    if (it == m_connections.end())
        return false;
    Connection &c = it->second;
    if (c.fd != fd || c.state == ConnState::Streaming || c.rejected || c.closing ||
        socket->bytesAvailable() > 0 || socket->isTransactionStarted())
        return false;
    char buffer[4096];
    const ssize_t peeked = ::recv(fd, buffer, sizeof buffer, MSG_PEEK | MSG_DONTWAIT);
    if (peeked <= 0)
        return false; // the end, an error, or nothing after all: Qt finds out
    qsizetype length = 0;
    std::optional<RequestInfo> info =
        RequestInfo::fromSimpleGet(QByteArrayView(buffer, peeked), fastPaths(), &length);
    if (!info)
        return false;
    if (::recv(fd, buffer, size_t(length), MSG_DONTWAIT) != length) {
        socket->abort(); // cannot happen for bytes just peeked; never answer a torn request
        return true;
    }
    ++m_fastPathRequests;
    c.lastActivityMs = PushLab::monotonicMs();
    c.requestBytes = 0;
    c.requestStartedMs = 0;
    receive(c, std::move(*info));
    return true;
}

void PushServer::onReadyRead(QTcpSocket *socket) {
    const auto it = m_connections.find(socket);
    if (it == m_connections.end())
        return;
    Connection &c = it->second;
    const qint64 now = PushLab::monotonicMs();
    c.lastActivityMs = now;
    // QHttpServer reads everything available on each readyRead (inside a transaction), so
    // what is available now is what arrived since (less what was counted before it took
    // this connection over): the running total is the request's size.
    const qint64 fresh = socket->bytesAvailable() - std::exchange(c.countedUnread, 0);
    if (fresh > 0) {
        if (c.requestBytes == 0) { // a request starts: its request line is at the front
            c.requestStartedMs = now;
            c.http10 = saysHttp10(socket->peek(maxRequestLinePeek));
        }
        c.requestBytes += fresh;
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
    const auto it = m_connections.find(socket);
    if (it == m_connections.end())
        return;
    Connection &c = it->second;
    if (EpollEventDispatcher *dispatcher = EpollEventDispatcher::current())
        dispatcher->unhookReads(int(c.fd), socket);
    if (c.state == ConnState::Waiting)
        unpark(c);
    if (c.state == ConnState::Streaming) {
        qCDebug(lcSse) << "stream closed by" << c.peerAddress << c.peerPort;
        removeStream(c);
    }
    if (!c.withHttpServer) // else QHttpServer deletes it
        socket->deleteLater();
    m_connections.erase(it);
    m_group->connectionGone(m_loopIndex);
    if (m_connections.empty())
        m_sweepTimer.stop();
    if (m_streams.empty())
        m_heartbeatTimer.stop();
}

bool PushServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) {
    const auto it = m_connections.find(socket);
    if (it == m_connections.end())
        return true; // shutting down, or refused: nothing more to say
    Connection &c = it->second;
    const qint64 received = c.requestBytes;
    c.requestBytes = 0;
    c.requestStartedMs = 0;
    c.lastActivityMs = PushLab::monotonicMs();
    if (c.rejected || c.closing || c.state == ConnState::Streaming)
        return true;

    RequestInfo info = RequestInfo::from(request);
    info.headerBytes = received - info.body.size();
    info.http10 = c.http10;
    receive(c, std::move(info));
    return true;
}

void PushServer::receive(Connection &c, RequestInfo info) {
    if (c.state == ConnState::Waiting || c.state == ConnState::Gathering) {
        // HTTP/1.1 pipelining behind a parked poll: answer in order once the poll is answered.
        if (int(c.queued.size()) >= maxQueuedRequests) {
            reject(c, 429, QStringLiteral("Too many pipelined requests behind a waiting poll."));
            return;
        }
        c.queued.push_back(std::move(info));
        return;
    }
    dispatch(c, info);
}

void PushServer::missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) {
    // handleRequest answers every request itself; this is only reached if that ever changes.
    Q_UNUSED(request);
    socket->write(HttpResponse::error(404, QStringLiteral("Not found.")).toBytes());
}

void PushServer::dispatch(Connection &c, const RequestInfo &info) {
    // What another loop published is visible here at once (one atomic read when nothing is
    // new), so a client never reads an older history from this loop than from that one.
    if (m_group->lastId() != m_log.lastId())
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
    const QByteArray agent = info.userAgent;
    if (!agent.isEmpty())
        c.userAgent = agent.left(200);

    const Route route = routeFor(info.path);
    if (route == Route::None) {
        if ((info.method == RequestInfo::Method::Get || info.method == RequestInfo::Method::Head) &&
            handleStatic(c, info)) {
            return;
        }
        if (info.method == RequestInfo::Method::Head) {
            send(c, HttpResponse::error(404, QString()).omitBody());
            return;
        }
        send(c,
             HttpResponse::error(
                 404,
                 QStringLiteral("There is nothing at %1. See / for the routes.").arg(info.path)));
        return;
    }

    if (info.method == RequestInfo::Method::Options) {
        HttpResponse r(204);
        r.header("Allow", allowedMethods(route))
            .header("Access-Control-Allow-Origin", "*")
            .header("Access-Control-Allow-Methods", allowedMethods(route))
            .header("Access-Control-Allow-Headers", "Content-Type, Last-Event-ID, Cache-Control")
            .header("Access-Control-Max-Age", "600");
        send(c, r);
        return;
    }
    if (!methodAllowed(route, info.method)) {
        HttpResponse r =
            HttpResponse::error(405, QStringLiteral("%1 is not allowed on %2; allowed: %3.")
                                         .arg(QString::fromLatin1(info.methodName), info.path,
                                              QString::fromLatin1(allowedMethods(route))));
        r.header("Allow", allowedMethods(route));
        // A HEAD answer never has a body: one would be read as the start of the next response.
        r.omitBody(info.method == RequestInfo::Method::Head);
        send(c, r);
        return;
    }

    switch (route) {
    case Route::Messages:
        if (info.method == RequestInfo::Method::Post)
            handlePublish(c, info);
        else
            handleShortPoll(c, info);
        return;
    case Route::Wait:
        handleWait(c, info, Flavour::Api);
        return;
    case Route::Events:
        handleEvents(c, info, Flavour::Api);
        return;
    case Route::Stats:
        handleStats(c);
        return;
    case Route::CloseStreams:
        handleCloseStreams(c, info);
        return;
    case Route::SeedGet:
        handleWait(c, info, Flavour::Seed);
        return;
    case Route::SeedUpdate:
        handleSeedUpdate(c, info);
        return;
    case Route::SeedEvents:
        handleEvents(c, info, Flavour::Seed);
        return;
    case Route::None:
        break;
    }
}

void PushServer::drainQueue(Connection &c) {
    // Answer requests that were pipelined behind a poll, until one of them waits again.
    QTcpSocket *socket = c.socket;
    while (true) {
        const auto it = m_connections.find(socket);
        if (it == m_connections.end())
            return;
        Connection &conn = it->second;
        if (conn.queued.empty() || conn.state != ConnState::Idle || conn.closing)
            return;
        RequestInfo next = std::move(conn.queued.front());
        conn.queued.erase(conn.queued.begin());
        dispatch(conn, next);
    }
}

bool PushServer::originAllowed(const RequestInfo &info) const {
    // Browsers name the page's origin on a POST; curl and our own clients send none. A page
    // from elsewhere must not publish into a user's local demo.
    const QByteArray origin = info.origin;
    if (origin.isEmpty())
        return true;
    const QByteArray host = info.host;
    return !host.isEmpty() &&
           (origin.compare(QByteArray("http://" + host), Qt::CaseInsensitive) == 0 ||
            origin.compare(QByteArray("https://" + host), Qt::CaseInsensitive) == 0);
}

void PushServer::handlePublish(Connection &c, const RequestInfo &info) {
    if (!originAllowed(info)) {
        send(c, HttpResponse::error(
                    403, QStringLiteral("Publishing from another origin (%1) is not allowed.")
                             .arg(QString::fromUtf8(info.origin))));
        return;
    }
    const QByteArray contentType = info.contentType.toLower();
    const QByteArray &body = info.body;
    const bool isJson = contentType.startsWith("application/json") ||
                        (!contentType.startsWith("text/plain") && body.trimmed().startsWith('{'));

    QString text;
    if (isJson) {
        QJsonParseError parseError{};
        const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
        if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
            send(c, HttpResponse::error(400, QStringLiteral("The body is not valid JSON: %1.")
                                                 .arg(parseError.errorString())));
            return;
        }
        const QJsonValue value = doc.object().value(QStringLiteral("text"));
        if (!value.isString()) {
            send(c, HttpResponse::error(
                        400, QStringLiteral("The JSON body needs a string field \"text\".")));
            return;
        }
        text = value.toString();
    } else {
        if (body.size() > maxTextBytes) {
            send(c, HttpResponse::error(
                        413, QStringLiteral("A message may have at most %1 bytes of text.")
                                 .arg(maxTextBytes)));
            return;
        }
        QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
        text = decoder.decode(body);
        if (decoder.hasError()) {
            send(c, HttpResponse::error(400, QStringLiteral("The text is not valid UTF-8.")));
            return;
        }
    }
    if (const auto problem = textProblem(text, QStringLiteral("The message text is empty."))) {
        send(c, *problem);
        return;
    }
    const Message &m = publish(text);
    send(c, HttpResponse::json(201, m.json)
                .header("Location", "/api/messages?since=" + QByteArray::number(m.id - 1)));
}

Message PushServer::publish(const QString &text) {
    const Message m = m_group->publish(text, m_loopIndex);
    catchUp();
    Q_EMIT messagePublished(m.id);
    return m;
}

void PushServer::wake() {
    if (!m_newsPending.exchange(true))
        QMetaObject::invokeMethod(this, &PushServer::catchUp, Qt::QueuedConnection);
}

void PushServer::catchUp() {
    m_newsPending.store(false);
    const quint64 before = m_log.lastId();
    if (m_shuttingDown || m_group->lastId() == before)
        return;
    const std::vector<Message> news = m_group->messagesAfter(before);
    if (news.empty())
        return;
    if (news.front().id != before + 1) {
        // More was published than the history keeps while this loop was busy elsewhere:
        // its streams are told, as a resuming stream would be (polls see it in their answer).
        const MessageLog::Gap gap{before, news.front().id, MessageLog::Gap::Reason::Evicted};
        writeToStreams("event: gap\ndata: " + gapJson(gap) + "\n\n", QByteArray(), 0);
    }
    for (const Message &m : news)
        m_log.adopt(m);
    fanOut(before);
}

QByteArray PushServer::pollBody(quint64 since, int *count) const {
    const auto gap = m_log.gapAfter(since);
    const quint64 from = gap ? gap->firstAvailableId - 1 : since;
    QByteArray body = "{\"messages\":[";
    int n = 0;
    m_log.forEachAfter(from, [&](const Message &m) {
        if (n++)
            body += ',';
        body += m.json;
    });
    body += "],\"lastId\":" + QByteArray::number(m_log.lastId());
    if (gap)
        body += ",\"gap\":" + gapJson(*gap);
    body += '}';
    if (count)
        *count = n;
    return body;
}

std::optional<quint64> PushServer::sinceOf(const RequestInfo &info) const {
    if (!info.query.hasQueryItem(QStringLiteral("since")))
        return m_log.lastId(); // no since: "from now"
    return parseUnsigned(info.query.queryItemValue(QStringLiteral("since")));
}

void PushServer::handleShortPoll(Connection &c, const RequestInfo &info) {
    setPattern(c, Pattern::ShortPoll);
    m_counters[patternIndex(Pattern::ShortPoll)].requests++;
    const auto parsedSince = sinceOf(info);
    if (!parsedSince) {
        send(c, badSince());
        return;
    }
    const quint64 since = *parsedSince;
    if (since == m_log.lastId() && !c.closeAfterResponse) {
        // Up to date: the usual short-poll answer, the same bytes for everyone until the next
        // publish, so it is encoded once.
        if (m_upToDateFor != since || m_upToDateAnswer.isEmpty()) {
            m_upToDateAnswer =
                uncached(HttpResponse::json(200, pollBody(since, nullptr))).toBytes();
            m_upToDateFor = since;
        }
        sendBytes(c, m_upToDateAnswer, Pattern::ShortPoll, 0);
        return;
    }
    int count = 0;
    const QByteArray body = pollBody(since, &count);
    send(c, uncached(HttpResponse::json(200, body)), Pattern::ShortPoll, count);
}

void PushServer::handleWait(Connection &c, const RequestInfo &info, Flavour flavour) {
    setPattern(c, Pattern::LongPoll);
    m_counters[patternIndex(Pattern::LongPoll)].requests++;
    if (flavour == Flavour::Seed) {
        if (!c.seedCursorSet) {
            c.seedCursorSet = true;
            c.seedCursor = m_log.lastId();
        }
        if (const Message *next = m_log.nextAfter(c.seedCursor)) {
            c.seedCursor = next->id;
            send(c, seedText(next->text.toUtf8()), Pattern::LongPoll, 1);
            return;
        }
        park(c, c.seedCursor, m_config.seedWaitSeconds, Flavour::Seed);
        return;
    }

    const auto parsedSince = sinceOf(info);
    if (!parsedSince) {
        send(c, badSince());
        return;
    }
    const quint64 since = *parsedSince;
    int timeout = 30;
    if (info.query.hasQueryItem(QStringLiteral("timeout"))) {
        const auto parsed = parseUnsigned(info.query.queryItemValue(QStringLiteral("timeout")));
        if (!parsed) {
            send(c,
                 HttpResponse::error(
                     400, QStringLiteral("timeout must be a whole number of seconds (1 to 120).")));
            return;
        }
        timeout = int(qBound<quint64>(1, *parsed, 120));
    }
    if (m_log.hasAfter(since) || m_log.gapAfter(since)) {
        int count = 0;
        const QByteArray body = pollBody(since, &count);
        send(c, uncached(HttpResponse::json(200, body)), Pattern::LongPoll, count);
        return;
    }
    park(c, since, timeout, Flavour::Api);
}

void PushServer::park(Connection &c, quint64 since, int timeoutSeconds, Flavour flavour) {
    c.state = ConnState::Waiting;
    c.flavour = flavour;
    c.waitSince = since;
    c.deadline =
        m_deadlines.emplace(PushLab::monotonicMs() + qint64(timeoutSeconds) * 1000, c.socket);
    c.waitIndex = m_waiters.size();
    m_waiters.push_back(&c);
    if (c.deadline == m_deadlines.begin())
        armDeadlineTimer();
}

void PushServer::unpark(Connection &c) {
    if (c.state != ConnState::Waiting)
        return;
    m_deadlines.erase(c.deadline);
    const std::size_t index = c.waitIndex;
    if (index + 1 != m_waiters.size()) {
        m_waiters[index] = m_waiters.back();
        m_waiters[index]->waitIndex = index;
    }
    m_waiters.pop_back();
    c.state = ConnState::Idle;
}

void PushServer::armDeadlineTimer() {
    if (m_deadlines.empty()) {
        m_deadlineTimer.stop();
        return;
    }
    const qint64 wait = m_deadlines.begin()->first - PushLab::monotonicMs();
    m_deadlineTimer.start(int(qBound<qint64>(0, wait, 120000LL)));
}

void PushServer::onDeadline() {
    const qint64 now = PushLab::monotonicMs();
    std::vector<QTcpSocket *> expired;
    for (auto it = m_deadlines.begin(); it != m_deadlines.end() && it->first <= now; ++it)
        expired.push_back(it->second);
    for (QTcpSocket *socket : expired) {
        const auto it = m_connections.find(socket);
        if (it == m_connections.end())
            continue;
        Connection &c = it->second;
        const Flavour flavour = c.flavour;
        unpark(c);
        if (flavour == Flavour::Seed) {
            send(c, seedText("No new messages"), Pattern::LongPoll);
        } else {
            // A 204 has no body: the header tells a client that started without `since`
            // where "now" is, so nothing published before its next request is missed.
            send(
                c,
                uncached(HttpResponse(204)).header("X-Last-Id", QByteArray::number(m_log.lastId())),
                Pattern::LongPoll);
        }
        drainQueue(c);
    }
    armDeadlineTimer();
}

const std::pair<QByteArray, int> &PushServer::waitAnswer(quint64 since,
                                                         WaitBodyCache *cache) const {
    auto cached = cache->find(since);
    if (cached == cache->end()) {
        int count = 0;
        const QByteArray body = pollBody(since, &count);
        const QByteArray bytes = uncached(HttpResponse::json(200, body)).toBytes();
        cached = cache->emplace(since, std::make_pair(bytes, count)).first;
    }
    return cached->second; // a node of the map: stays put while the map grows
}

void PushServer::answerWaiters() {
    // News answers every parked poll, so all leave the waiting list at once (no unparking
    // one by one), straight from the packed list (no lookups), 64 answers to a system call.
    // Not through the fan-out pool: measured, two writers answer 10,000 polls sooner but the
    // clients then read them later (p50 52-57 ms against 35-40 with one writer, `pushlab-cli
    // bench --pattern long`, the load generator on the same two cores).
    const std::vector<Connection *> waiters = std::exchange(m_waiters, {});
    m_deadlines.clear(); // only waiters have deadlines
    std::vector<QTcpSocket *> sockets;
    sockets.reserve(waiters.size());
    WaitBodyCache cache;
    auto &counters = m_counters[patternIndex(Pattern::LongPoll)];
    // Plain answers (nothing queued in the socket) go out a batch at a time, each batch in one
    // system call (SendRing): the first clients are answered after 64 sends' work, not 10,000.
    SendRing &ring = SendRing::forThisThread();
    std::vector<SendRing::Write> batch;
    batch.reserve(SendRing::batch);
    const auto sendBatch = [&] {
        ring.send(batch.data(), batch.size());
        for (const SendRing::Write &w : batch)
            queueUnsent(sockets[w.tag], *w.bytes, w.sent, w.error);
        batch.clear();
    };
    for (Connection *waiter : waiters) {
        Connection &c = *waiter;
        c.state = ConnState::Idle;
        sockets.push_back(c.socket);
        if (c.flavour == Flavour::Seed) {
            answerSeedWaiting(c);
            continue;
        }
        if (c.closeAfterResponse) {
            int count = 0;
            send(c, uncached(HttpResponse::json(200, pollBody(c.waitSince, &count))),
                 Pattern::LongPoll, count);
            continue;
        }
        const auto &[bytes, count] = waitAnswer(c.waitSince, &cache);
        counters.delivered += count;
        counters.bytesOut += bytes.size();
        if (c.fd < 0 || c.socket->bytesToWrite() > 0) {
            writeNow(c.socket, c.fd, bytes); // behind what is queued
            continue;
        }
        batch.push_back(SendRing::Write{int(c.fd), &bytes, sockets.size() - 1});
        if (batch.size() == SendRing::batch)
            sendBatch();
    }
    if (!batch.empty())
        sendBatch();
    // Requests pipelined behind the polls, in order; a connection may be gone by now.
    for (QTcpSocket *socket : sockets) {
        const auto it = m_connections.find(socket);
        if (it != m_connections.end())
            drainQueue(it->second);
    }
    armDeadlineTimer();
}

void PushServer::answerSeedWaiting(Connection &c) {
    const Message *next = m_log.nextAfter(c.seedCursor);
    if (!next)
        return;
    c.seedCursor = next->id;
    send(c, seedText(next->text.toUtf8()), Pattern::LongPoll, 1);
}

void PushServer::fanOut(quint64 since) {
    // Long polls first (each answer is one write), then streams.
    if (!m_waiters.empty())
        answerWaiters();
    if (m_streams.empty())
        return;
    // Usually one message, whose encoded bytes are shared as they are; after a burst, one
    // write per stream carries all of it.
    QByteArray apiBytes;
    QByteArray seedBytes;
    int count = 0;
    m_log.forEachAfter(since, [&](const Message &m) {
        apiBytes += m.sseEvent;
        seedBytes += m.seedSseEvent;
        ++count;
    });
    writeToStreams(apiBytes, seedBytes, count);
}

void PushServer::writeToStreams(const QByteArray &apiBytes, const QByteArray &seedBytes,
                                int delivered) {
    if (m_streams.empty())
        return;
    auto &counters = m_counters[patternIndex(Pattern::ServerSentEvents)];
    std::vector<QTcpSocket *> failed;
    const auto bytesFor = [&](const Stream &stream) -> const QByteArray & {
        return stream.flavour == Flavour::Seed ? seedBytes : apiBytes;
    };
    // The plain writes (nothing queued in the socket, the usual case) go out in batches
    // (SendRing); with many streams this thread and the pool's helpers share them. A stream
    // with bytes already queued is written behind them, one by one.
    std::vector<SendRing::Write> writes;
    writes.reserve(m_streams.size());
    std::vector<std::size_t> queued;
    for (std::size_t i = 0; i < m_streams.size(); ++i) {
        const Stream &stream = m_streams[i];
        if (bytesFor(stream).isEmpty())
            continue;
        if (stream.fd >= 0 && stream.socket->bytesToWrite() == 0)
            writes.push_back(SendRing::Write{int(stream.fd), &bytesFor(stream), i});
        else
            queued.push_back(i);
    }
    if (m_config.fanOutThreads > 1 && m_streams.size() >= fanOutPoolMinStreams)
        fanOutPool().send(writes);
    else
        SendRing::forThisThread().send(writes.data(), writes.size());
    for (const SendRing::Write &w : writes) {
        queueUnsent(m_streams[w.tag].socket, *w.bytes, w.sent, w.error);
        counters.bytesOut += w.bytes->size();
        counters.delivered += delivered;
    }
    for (const std::size_t i : queued) {
        const Stream &stream = m_streams[i];
        if (!writeNow(stream.socket, stream.fd, bytesFor(stream))) {
            failed.push_back(stream.socket);
            continue;
        }
        counters.bytesOut += bytesFor(stream).size();
        counters.delivered += delivered;
    }
    // Dropped after the loop: abort() emits disconnected at once, which edits m_streams.
    for (QTcpSocket *socket : failed) {
        qCWarning(lcSse, "dropping a subscriber that stopped reading (%lld bytes unsent)",
                  static_cast<long long>(socket->bytesToWrite()));
        socket->abort();
    }
}

FanOutPool &PushServer::fanOutPool() {
    if (!m_fanOut)
        m_fanOut = std::make_unique<FanOutPool>(m_config.fanOutThreads - 1);
    return *m_fanOut;
}

bool PushServer::writeNow(QTcpSocket *socket, qintptr fd, const QByteArray &bytes) {
    const qint64 queued = socket->bytesToWrite();
    if (queued == 0 && fd >= 0) {
        // Straight to the kernel: no Qt buffer, no write-notifier round trip (two epoll_ctl
        // calls per socket per message with QTcpSocket::write + flush).
        SendRing::Write w{int(fd), &bytes};
        SendRing::forThisThread().send(&w, 1);
        queueUnsent(socket, bytes, w.sent, w.error);
        return true;
    }
    if (queued + bytes.size() > m_config.maxUnsentBytes)
        return false;
    socket->write(bytes);
    return true;
}

void PushServer::removeStream(Connection &c) {
    const std::size_t index = c.streamIndex;
    if (index >= m_streams.size() || m_streams[index].socket != c.socket)
        return;
    if (index + 1 != m_streams.size()) {
        m_streams[index] = m_streams.back();
        m_connections[m_streams[index].socket].streamIndex = index;
    }
    m_streams.pop_back();
}

void PushServer::handleEvents(Connection &c, const RequestInfo &info, Flavour flavour) {
    setPattern(c, Pattern::ServerSentEvents);
    m_counters[patternIndex(Pattern::ServerSentEvents)].requests++;

    QString lastEventIdText = QString::fromUtf8(info.lastEventId).trimmed();
    for (const QString &key : {QStringLiteral("lastEventId"), QStringLiteral("last_event_id")}) {
        if (lastEventIdText.isEmpty() && info.query.hasQueryItem(key))
            lastEventIdText = info.query.queryItemValue(key);
    }
    std::optional<quint64> lastEventId;
    if (!lastEventIdText.isEmpty()) {
        lastEventId = parseUnsigned(lastEventIdText);
        if (!lastEventId) {
            send(c, HttpResponse::error(
                        400, QStringLiteral(
                                 "Last-Event-ID must be a message id (a non-negative integer).")));
            return;
        }
    }

    QTcpSocket *socket = c.socket;
    c.state = ConnState::Streaming;
    c.flavour = flavour;
    c.streamIndex = m_streams.size();
    m_streams.push_back(Stream{socket, c.fd, flavour});
    if (!m_heartbeatTimer.isActive())
        m_heartbeatTimer.start();
    // From now on the socket carries only the stream: a second request must never be parsed
    // and answered into it (QHttpServer would), but reading goes on so a vanished peer is
    // noticed at once; whatever it sends is discarded.
    stopReadingRequests(socket);
    connect(socket, &QTcpSocket::readyRead, m_socketContext,
            [socket] { socket->skip(socket->bytesAvailable()); });

    QByteArray out = "HTTP/1.1 200 OK\r\n"
                     "Content-Type: text/event-stream; charset=utf-8\r\n"
                     "Cache-Control: no-cache\r\n"
                     "X-Accel-Buffering: no\r\n"
                     "Access-Control-Allow-Origin: *\r\n";
    // The stream ends when the connection does; an HTTP/1.0 or `Connection: close` client is
    // told so rather than promised a connection it did not ask to keep.
    out += c.closeAfterResponse ? "Connection: close\r\n\r\n" : "Connection: keep-alive\r\n\r\n";
    out += "retry: " + QByteArray::number(m_config.sseRetryMs) + "\n\n";
    int replayed = 0;
    if (lastEventId) {
        const auto gap = m_log.gapAfter(*lastEventId);
        if (gap) {
            out += "event: gap\ndata: " + gapJson(*gap) + "\n\n";
            qCInfo(lcSse, "stream resumes after %llu, but %llu is the oldest message kept",
                   static_cast<unsigned long long>(gap->lastSeenId),
                   static_cast<unsigned long long>(gap->firstAvailableId));
        }
        m_log.forEachAfter(gap ? gap->firstAvailableId - 1 : *lastEventId, [&](const Message &m) {
            out += flavour == Flavour::Seed ? m.seedSseEvent : m.sseEvent;
            ++replayed;
        });
    }
    auto &counters = m_counters[patternIndex(Pattern::ServerSentEvents)];
    counters.bytesOut += out.size();
    counters.delivered += replayed;
    writeNow(socket, c.fd, out);
}

void PushServer::handleStats(Connection &c) {
    askEveryLoop(c, false);
}

void PushServer::handleCloseStreams(Connection &c, const RequestInfo &info) {
    if (!originAllowed(info)) {
        send(c, HttpResponse::error(
                    403, QStringLiteral("Closing streams from another origin is not allowed.")));
        return;
    }
    askEveryLoop(c, true);
}

void PushServer::askEveryLoop(Connection &c, bool closeStreams) {
    const int loops = m_group->loopCount();
    const quint64 token = ++m_nextGatherToken;
    Gather &gather = m_gathers[token];
    gather.socket = c.socket;
    gather.serial = c.serial;
    gather.closeStreams = closeStreams;
    gather.outstanding = loops;
    gather.reports.resize(std::size_t(loops));
    c.state = ConnState::Gathering;
    for (int i = 0; i < loops; ++i) {
        if (i == m_loopIndex)
            continue;
        PushServer *loop = m_group->loop(i);
        // Alive: see flushHandoffs. A loop that has shut down answers nothing, but then the
        // whole server is stopping and this one too.
        QMetaObject::invokeMethod(
            loop,
            [loop, asker = this, token, closeStreams] {
                if (loop->m_shuttingDown)
                    return;
                QMetaObject::invokeMethod(
                    asker,
                    [asker, token, index = loop->m_loopIndex,
                     report = loop->report(closeStreams)]() mutable {
                        asker->takeReport(token, index, std::move(report));
                    },
                    Qt::QueuedConnection);
            },
            Qt::QueuedConnection);
    }
    takeReport(token, m_loopIndex, report(closeStreams));
}

void PushServer::takeReport(quint64 token, int loopIndex, LoopReport report) {
    const auto found = m_gathers.find(token);
    if (found == m_gathers.end())
        return;
    found->second.reports[std::size_t(loopIndex)] = std::move(report);
    if (--found->second.outstanding > 0)
        return;
    const Gather gather = std::move(found->second);
    m_gathers.erase(found);
    const auto it = m_connections.find(gather.socket);
    if (it == m_connections.end() || it->second.serial != gather.serial)
        return; // the asker left meanwhile
    Connection &c = it->second;
    if (c.state != ConnState::Gathering || c.rejected || c.closing)
        return;
    c.state = ConnState::Idle;
    if (gather.closeStreams) {
        int closed = 0;
        for (const LoopReport &r : gather.reports)
            closed += r.closedStreams;
        qCInfo(lcSse, "closed %d streams on request", closed);
        send(c, HttpResponse::json(200, "{\"closed\":" + QByteArray::number(closed) + '}'));
    } else {
        send(c, uncached(HttpResponse::json(200, statsJson(gather.reports))));
    }
    drainQueue(c);
}

PushServer::LoopReport PushServer::report(bool closeStreams) {
    LoopReport r;
    r.counters = m_counters;
    r.open[patternIndex(Pattern::LongPoll)] = qint64(m_waiters.size());
    r.open[patternIndex(Pattern::ServerSentEvents)] = qint64(m_streams.size());
    r.connections = qint64(m_connections.size());
    const qint64 now = PushLab::monotonicMs();
    for (const auto &entry : m_connections) {
        const Connection &c = entry.second;
        // A peer is a connection streaming or waiting now, or one that polled recently (a
        // poller sits idle between requests; a browser's pooled connection that did something
        // else since counts no longer).
        if (!c.pattern ||
            (c.state == ConnState::Idle && now - c.lastPatternRequestMs > recentPollMs))
            continue;
        if (*c.pattern == Pattern::ShortPoll)
            r.open[patternIndex(Pattern::ShortPoll)]++;
        ++r.peersTotal;
        if (r.peers.size() < maxListedPeers) {
            r.peers.append(
                QJsonObject{{QStringLiteral("address"), c.peerAddress.toString()},
                            {QStringLiteral("port"), int(c.peerPort)},
                            {QStringLiteral("pattern"), PushLab::patternKey(*c.pattern)},
                            {QStringLiteral("since"), c.patternSinceUs},
                            {QStringLiteral("userAgent"), QString::fromUtf8(c.userAgent)}});
        }
    }
    if (closeStreams)
        r.closedStreams = this->closeStreams();
    return r;
}

QByteArray PushServer::statsJson() {
    return statsJson({report(false)});
}

QByteArray PushServer::statsJson(const std::vector<LoopReport> &reports) {
    std::array<PatternCounters, 3> counters{};
    std::array<qint64, 3> open{};
    qint64 connections = 0;
    qint64 peersTotal = 0;
    QJsonArray peers;
    QJsonArray perLoop;
    for (const LoopReport &r : reports) {
        for (std::size_t i = 0; i < counters.size(); ++i) {
            counters[i].requests += r.counters[i].requests;
            counters[i].delivered += r.counters[i].delivered;
            counters[i].bytesOut += r.counters[i].bytesOut;
            open[i] += r.open[i];
        }
        connections += r.connections;
        peersTotal += r.peersTotal;
        perLoop.append(r.connections);
        for (const QJsonValue &peer : r.peers) {
            if (peers.size() < maxListedPeers)
                peers.append(peer);
        }
    }
    QJsonObject patterns;
    for (Pattern p : PushLab::allPatterns) {
        const PatternCounters &k = counters[patternIndex(p)];
        patterns.insert(PushLab::patternKey(p),
                        QJsonObject{{QStringLiteral("requests"), k.requests},
                                    {QStringLiteral("open"), open[patternIndex(p)]},
                                    {QStringLiteral("delivered"), k.delivered},
                                    {QStringLiteral("bytesOut"), k.bytesOut}});
    }
    const QJsonObject stats{{QStringLiteral("messagesPublished"), m_log.publishedCount()},
                            {QStringLiteral("lastId"), qint64(m_log.lastId())},
                            {QStringLiteral("historySize"), m_log.size()},
                            {QStringLiteral("startedAt"), m_group->startedAtUs()},
                            {QStringLiteral("connections"), connections},
                            {QStringLiteral("maxConnections"), m_maxConnections},
                            {QStringLiteral("threads"), qint64(reports.size())},
                            {QStringLiteral("fanOutThreads"), m_config.fanOutThreads},
                            {QStringLiteral("ioUring"), SendRing::forThisThread().usesIoUring()},
                            {QStringLiteral("connectionsPerThread"), perLoop},
                            {QStringLiteral("patterns"), patterns},
                            {QStringLiteral("peers"), peers},
                            {QStringLiteral("peersTotal"), peersTotal}};
    return QJsonDocument(stats).toJson(QJsonDocument::Compact);
}

int PushServer::closeStreams() {
    std::vector<QTcpSocket *> streams;
    streams.reserve(m_streams.size());
    for (const Stream &stream : m_streams)
        streams.push_back(stream.socket);
    for (QTcpSocket *socket : streams)
        socket->disconnectFromHost(); // after what is queued has been written
    return int(streams.size());
}

void PushServer::handleSeedUpdate(Connection &c, const RequestInfo &info) {
    const QString text = info.query.queryItemValue(QStringLiteral("message"), QUrl::FullyDecoded);
    if (const auto problem =
            textProblem(text, QStringLiteral("Give the message as ?message=<text>."))) {
        send(c, *problem);
        return;
    }
    const Message &m = publish(text);
    send(c, HttpResponse(200)
                .body("text/plain; charset=utf-8", "published " + QByteArray::number(m.id) + '\n')
                .header("Access-Control-Allow-Origin", "*"));
}

bool PushServer::handleStatic(Connection &c, const RequestInfo &info) {
    static const QRegularExpression safeName(QStringLiteral("^/([A-Za-z0-9_-][A-Za-z0-9._-]*)?$"));
    const auto match = safeName.match(info.path);
    if (!match.hasMatch())
        return false;
    QString name = match.captured(1);
    if (name.isEmpty())
        name = QStringLiteral("index.html");
    auto cached = m_staticCache.constFind(name);
    if (cached == m_staticCache.constEnd()) {
        QFile file(QStringLiteral(":/web/") + name);
        if (!file.open(QIODevice::ReadOnly))
            return false;
        cached = m_staticCache.insert(name, file.readAll());
    }
    send(c, HttpResponse(200)
                .body(contentTypeFor(name), *cached)
                .header("Cache-Control", "no-cache")
                .omitBody(info.method == RequestInfo::Method::Head));
    return true;
}

void PushServer::setPattern(Connection &c, Pattern p) {
    c.lastPatternRequestMs = PushLab::monotonicMs();
    if (!c.pattern || *c.pattern != p) {
        c.pattern = p;
        c.patternSinceUs = PushLab::wallClockUs();
    }
}

void PushServer::send(Connection &c, HttpResponse response, std::optional<Pattern> countAs,
                      int delivered) {
    if (c.closeAfterResponse)
        response.closeConnection();
    sendBytes(c, response.toBytes(), countAs, delivered);
}

void PushServer::sendBytes(Connection &c, const QByteArray &bytes, std::optional<Pattern> countAs,
                           int delivered) {
    if (countAs) {
        auto &counters = m_counters[patternIndex(*countAs)];
        counters.bytesOut += bytes.size();
        counters.delivered += delivered;
    }
    writeNow(c.socket, c.fd, bytes);
    if (c.closeAfterResponse)
        closeLater(c);
}

void PushServer::closeLater(Connection &c) {
    // Not now: a socket with nothing left to write closes at once and emits disconnected,
    // which erases the connection record our callers still hold. The next turn of the event
    // loop is soon enough, and nothing more is read from or answered on it meanwhile.
    if (c.closing)
        return;
    c.closing = true;
    QPointer<QTcpSocket> socket(c.socket);
    QMetaObject::invokeMethod(
        this,
        [socket] {
            if (socket)
                socket->disconnectFromHost();
        },
        Qt::QueuedConnection);
}

void PushServer::stopReadingRequests(QTcpSocket *socket) {
    disconnect(socket, &QTcpSocket::readyRead, this, nullptr);            // QHttpServer's parser
    disconnect(socket, &QTcpSocket::readyRead, m_socketContext, nullptr); // our request counting
}

void PushServer::reject(Connection &c, int status, const QString &message) {
    if (c.rejected)
        return;
    c.rejected = true;
    qCInfo(lcServer, "%d for %s:%d: %s", status, qPrintable(c.peerAddress.toString()),
           int(c.peerPort), qPrintable(message));
    // Stop parsing this connection: whatever else it sends is not a request we will answer.
    stopReadingRequests(c.socket);
    if (c.state == ConnState::Waiting)
        unpark(c);
    c.queued.clear();
    writeNow(c.socket, c.fd, HttpResponse::error(status, message).closeConnection().toBytes());
    closeLater(c);
}

void PushServer::sweep() {
    const qint64 now = PushLab::monotonicMs();
    std::vector<QTcpSocket *> timedOut;
    std::vector<QTcpSocket *> idle;
    for (auto &entry : m_connections) {
        const Connection &c = entry.second;
        if (c.rejected || c.state != ConnState::Idle)
            continue;
        if (c.requestStartedMs != 0 && now - c.requestStartedMs > m_config.requestTimeoutMs)
            timedOut.push_back(entry.first);
        else if (c.requestStartedMs == 0 && now - c.lastActivityMs > m_config.keepAliveTimeoutMs)
            idle.push_back(entry.first);
    }
    for (QTcpSocket *socket : timedOut) {
        const auto it = m_connections.find(socket);
        if (it != m_connections.end())
            reject(it->second, 408,
                   QStringLiteral("The request was not complete after %1 ms.")
                       .arg(m_config.requestTimeoutMs));
    }
    for (QTcpSocket *socket : idle)
        socket->disconnectFromHost();
}
