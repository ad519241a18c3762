// ServerHost with several event loops (ServerConfig::threads > 1), on real loopback sockets on
// port 0: connections spread over the loops, and nothing a client sees depends on which loop
// serves it or which loop served the publisher.

#include "pushserver.h"
#include "rawhttp.h"
#include "servergroup.h"
#include "serverhost.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QHash>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtNetwork/QTcpSocket>
#include <QtTest/QSignalSpy>
#include <QtTest/QtTest>

#include <array>
#include <memory>
#include <optional>
#include <vector>

namespace {

QJsonObject jsonObject(const QByteArray &body) {
    return QJsonDocument::fromJson(body).object();
}

quint64 idOf(const QJsonObject &message) {
    return quint64(message.value(QStringLiteral("id")).toInteger());
}

QList<quint64> idsOf(const QByteArray &pollBody) {
    QList<quint64> ids;
    const QJsonArray messages = jsonObject(pollBody).value(QStringLiteral("messages")).toArray();
    for (const QJsonValue &m : messages)
        ids.append(idOf(m.toObject()));
    return ids;
}

QList<quint64> range(quint64 first, quint64 last) {
    QList<quint64> ids;
    for (quint64 id = first; id <= last; ++id)
        ids.append(id);
    return ids;
}

// GET /api/stats on `http`; an empty object unless it answered 200.
QJsonObject stats(RawHttp &http) {
    http.get("/api/stats");
    const RawResponse r = http.read();
    return r.status == 200 ? jsonObject(r.body) : QJsonObject();
}

// A number in the stats by its path ("patterns/sse/open"); -1 when it is not there.
qint64 statOf(const QJsonObject &stats, const char *path) {
    const QStringList keys = QString::fromLatin1(path).split(u'/');
    QJsonValue value = stats;
    for (const QString &key : keys) {
        if (!value.isObject() || !value.toObject().contains(key))
            return -1;
        value = value.toObject().value(key);
    }
    return value.isDouble() ? value.toInteger(-1) : -1;
}

qint64 statOf(RawHttp &http, const char *path) {
    return statOf(stats(http), path);
}

// What is wrong with the stats' per-thread connection counts: `threads` entries adding up to
// `connections`, each at least `minPerThread`. Empty when nothing is.
QString threadSpreadProblem(const QJsonObject &stats, int threads, qint64 minPerThread) {
    if (statOf(stats, "threads") != threads)
        return QStringLiteral("\"threads\" is %1, expected %2")
            .arg(statOf(stats, "threads"))
            .arg(threads);
    const QJsonValue perThread = stats.value(QStringLiteral("connectionsPerThread"));
    if (!perThread.isArray())
        return QStringLiteral("no \"connectionsPerThread\" array");
    const QJsonArray counts = perThread.toArray();
    const QString seen = QString::fromUtf8(QJsonDocument(counts).toJson(QJsonDocument::Compact));
    if (counts.size() != threads)
        return QStringLiteral("connectionsPerThread %1 has %2 entries, expected %3")
            .arg(seen)
            .arg(counts.size())
            .arg(threads);
    qint64 sum = 0;
    for (const QJsonValue &count : counts) {
        if (count.toInteger(-1) < minPerThread)
            return QStringLiteral("connectionsPerThread %1: a thread serves fewer than %2")
                .arg(seen)
                .arg(minPerThread);
        sum += count.toInteger();
    }
    if (sum != statOf(stats, "connections"))
        return QStringLiteral("connectionsPerThread %1 adds up to %2, \"connections\" is %3")
            .arg(seen)
            .arg(sum)
            .arg(statOf(stats, "connections"));
    return {};
}

// POSTs `text` on `http`; the stored message's id, 0 unless it answered 201.
quint64 publish(RawHttp &http, const QByteArray &text) {
    http.post("/api/messages", text);
    const RawResponse r = http.read();
    return r.status == 201 ? idOf(jsonObject(r.body)) : 0;
}

// The newest id the server holds (a short poll's lastId); 0 when it did not answer.
quint64 lastIdOf(RawHttp &http) {
    http.get("/api/messages");
    const RawResponse r = http.read();
    return r.status == 200 ? quint64(jsonObject(r.body).value(QStringLiteral("lastId")).toInteger())
                           : 0;
}

// A GET /api/events client on its own raw socket that parses the stream as it arrives, in any
// split, and keeps every message event in arrival order.
class SseClient {
public:
    struct Event {
        quint64 id = 0;
        QString text;
    };

    explicit SseClient(quint16 port, std::optional<quint64> lastEventId = std::nullopt)
        : m_socket(std::make_unique<QTcpSocket>()) {
        m_socket->connectToHost(QStringLiteral("127.0.0.1"), port);
        m_socket->waitForConnected(5000);
        QByteArray request = "GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                             "Accept: text/event-stream\r\n";
        if (lastEventId)
            request += "Last-Event-ID: " + QByteArray::number(*lastEventId) + "\r\n";
        m_socket->write(request + "\r\n");
        m_socket->flush();
    }

    // The 200 head and the opening `retry:` have arrived: the server holds the stream.
    bool waitForOpen(int timeoutMs = 5000) {
        return waitUntil([this] { return m_opened; }, timeoutMs);
    }
    bool waitForId(quint64 id, int timeoutMs = 5000) {
        return waitUntil([this, id] { return has(id); }, timeoutMs);
    }
    bool waitForDisconnected(int timeoutMs = 5000) {
        if (m_socket->state() != QAbstractSocket::UnconnectedState) {
            QSignalSpy spy(m_socket.get(), &QTcpSocket::disconnected);
            spy.wait(timeoutMs);
        }
        parse();
        return m_socket->state() == QAbstractSocket::UnconnectedState;
    }

    const QList<Event> &events() const { return m_events; }
    QList<quint64> ids() const {
        QList<quint64> ids;
        for (const Event &e : m_events)
            ids.append(e.id);
        return ids;
    }
    QStringList texts() const {
        QStringList texts;
        for (const Event &e : m_events)
            texts.append(e.text);
        return texts;
    }
    // Empty while everything received was well-formed.
    const QString &problem() const { return m_problem; }

private:
    bool has(quint64 id) const {
        for (auto it = m_events.crbegin(); it != m_events.crend(); ++it) {
            if (it->id == id)
                return true;
        }
        return false;
    }

    template <typename Done> bool waitUntil(Done done, int timeoutMs) {
        QElapsedTimer timer;
        timer.start();
        parse();
        while (!done()) {
            const qint64 left = timeoutMs - timer.elapsed();
            if (left <= 0)
                return false;
            if (m_socket->bytesAvailable() == 0) {
                if (m_socket->state() != QAbstractSocket::ConnectedState)
                    return false;
                QSignalSpy spy(m_socket.get(), &QTcpSocket::readyRead);
                spy.wait(int(left));
            }
            parse();
        }
        return true;
    }

    void parse() {
        m_buffer += m_socket->readAll();
        qsizetype from = 0;
        if (!m_headDone) {
            const qsizetype end = m_buffer.indexOf("\r\n\r\n");
            if (end < 0)
                return;
            const QByteArray statusLine = m_buffer.left(m_buffer.indexOf("\r\n"));
            if (!statusLine.startsWith("HTTP/1.1 200 "))
                m_problem = QStringLiteral("stream answered %1").arg(QString::fromUtf8(statusLine));
            m_headDone = true;
            from = end + 4;
        }
        qsizetype end = 0;
        while ((end = m_buffer.indexOf("\n\n", from)) >= 0) {
            parseBlock(m_buffer.mid(from, end - from));
            from = end + 2;
        }
        m_buffer.remove(0, from);
    }

    void parseBlock(const QByteArray &block) {
        QByteArray type = "message";
        QByteArray data;
        std::optional<quint64> id;
        const QList<QByteArray> lines = block.split('\n');
        for (const QByteArray &line : lines) {
            if (line.startsWith("retry: ")) {
                m_opened = m_problem.isEmpty();
                return;
            }
            if (line.startsWith("id: "))
                id = line.mid(4).toULongLong();
            else if (line.startsWith("event: "))
                type = line.mid(7);
            else if (line.startsWith("data: "))
                data += line.mid(6);
        }
        if (type != "message" || data.isEmpty())
            return; // a heartbeat comment, or a gap notice
        const QJsonObject message = jsonObject(data);
        if (!id || *id != idOf(message)) {
            m_problem = QStringLiteral("event whose id: line does not match its data: %1")
                            .arg(QString::fromUtf8(block));
        }
        m_events.append(Event{idOf(message), message.value(QStringLiteral("text")).toString()});
    }

    std::unique_ptr<QTcpSocket> m_socket;
    QByteArray m_buffer;
    bool m_headDone = false;
    bool m_opened = false;
    QList<Event> m_events;
    QString m_problem;
};

// A long-poll client looping on one connection as a page's loop does: it keeps every message
// of each answer and asks again for what comes after the last one.
class PollLoop {
public:
    PollLoop(quint16 port, quint64 since)
        : m_http(port)
        , m_since(since) {
        ask();
    }

    // Takes the answer if it arrives within timeoutMs, and asks again. False if none came.
    bool take(int timeoutMs) {
        const RawResponse r = m_http.read(timeoutMs);
        if (!r.complete)
            return false;
        const QJsonArray messages = jsonObject(r.body).value(QStringLiteral("messages")).toArray();
        if (r.status != 200 || messages.isEmpty()) {
            m_problem = QStringLiteral("poll after %1 answered %2: %3")
                            .arg(m_since)
                            .arg(r.status)
                            .arg(QString::fromUtf8(r.body));
            return false;
        }
        for (const QJsonValue &value : messages) {
            const QJsonObject m = value.toObject();
            m_ids.append(idOf(m));
            m_texts.append(m.value(QStringLiteral("text")).toString());
        }
        m_since = m_ids.last();
        ask();
        return true;
    }

    quint64 since() const { return m_since; }
    const QList<quint64> &ids() const { return m_ids; }
    const QStringList &texts() const { return m_texts; }
    const QString &problem() const { return m_problem; }

private:
    void ask() { m_http.get("/api/messages/wait?timeout=60&since=" + QByteArray::number(m_since)); }

    RawHttp m_http;
    quint64 m_since = 0;
    QList<quint64> m_ids;
    QStringList m_texts;
    QString m_problem;
};

std::unique_ptr<ServerHost> startHost(int threads, ServerConfig config = {}) {
    config.port = 0;
    config.threads = threads;
    auto host = std::make_unique<ServerHost>(config);
    QString error;
    if (!host->start(&error)) {
        qWarning() << "start failed:" << error;
        return nullptr;
    }
    return host;
}

} // namespace

class TestServerThreads : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void connectionsSpreadOverThreads_data();
    void connectionsSpreadOverThreads();
    void oneMessageReachesEveryStreamAndPoll_data();
    void oneMessageReachesEveryStreamAndPoll();
    void concurrentPublishersReachEveryClientOnceInOrder();
    void closedStreamsResumeOnAnyThread();
    void statsAddUpEveryThread();
    void connectionCapIsGlobal();
    void stopWithClientsOnEveryThreadIsClean();
    void publishIsVisibleAtOnceOnAnotherConnection();
    void loopLeftBehindTellsItsStreamsOfTheGap();
    void fanOutThreadsReachManyStreamsOnce();
};

void TestServerThreads::connectionsSpreadOverThreads_data() {
    QTest::addColumn<int>("threads");
    QTest::addColumn<int>("clients");
    QTest::newRow("2 threads, 20 connections") << 2 << 20;
    QTest::newRow("3 threads, 21 connections") << 3 << 21;
}

void TestServerThreads::connectionsSpreadOverThreads() {
    QFETCH(int, threads);
    QFETCH(int, clients);
    const auto host = startHost(threads);
    QVERIFY(host);
    std::vector<std::unique_ptr<RawHttp>> held;
    for (int i = 0; i < clients; ++i) {
        held.push_back(std::make_unique<RawHttp>(host->port()));
        held.back()->get("/api/messages"); // answered: really accepted
        QCOMPARE(held.back()->read().status, 200);
    }
    RawHttp statsHttp(host->port());
    const QJsonObject s = stats(statsHttp);
    QCOMPARE(statOf(s, "connections"), qint64(clients + 1));
    // Least-connections hands them out about evenly; a quarter of a fair share is far from it.
    const QString problem = threadSpreadProblem(s, threads, clients / (2 * threads));
    QVERIFY2(problem.isEmpty(), qPrintable(problem));

    for (const auto &http : held) { // every one of them is still served
        http->get("/api/messages");
        QCOMPARE(http->read().status, 200);
    }
    held.resize(std::size_t(clients / 2)); // the rest hang up
    QTRY_COMPARE(statOf(statsHttp, "connections"), qint64(clients / 2 + 1));
    const QString after = threadSpreadProblem(stats(statsHttp), threads, 0);
    QVERIFY2(after.isEmpty(), qPrintable(after));
}

void TestServerThreads::oneMessageReachesEveryStreamAndPoll_data() {
    QTest::addColumn<int>("threads");
    QTest::newRow("2 threads") << 2;
    QTest::newRow("3 threads") << 3;
}

void TestServerThreads::oneMessageReachesEveryStreamAndPoll() {
    QFETCH(int, threads);
    constexpr int clients = 40;
    const auto host = startHost(threads);
    QVERIFY(host);
    RawHttp publisher(host->port());
    const quint64 before = lastIdOf(publisher);
    QVERIFY(before != 0);

    std::vector<std::unique_ptr<SseClient>> streams;
    std::vector<std::unique_ptr<RawHttp>> polls;
    for (int i = 0; i < clients; ++i) {
        streams.push_back(std::make_unique<SseClient>(host->port()));
        QVERIFY(streams.back()->waitForOpen());
        polls.push_back(std::make_unique<RawHttp>(host->port()));
        polls.back()->get("/api/messages/wait?timeout=60&since=" + QByteArray::number(before));
    }
    RawHttp statsHttp(host->port());
    QTRY_COMPARE(statOf(statsHttp, "patterns/long/open"), qint64(clients)); // all parked
    const QJsonObject s = stats(statsHttp);
    QCOMPARE(statOf(s, "patterns/sse/open"), qint64(clients));
    const QString problem = threadSpreadProblem(s, threads, 1);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));

    const quint64 id = publish(publisher, "to everyone");
    QCOMPARE(id, before + 1);
    for (const auto &stream : streams)
        QVERIFY(stream->waitForId(id));
    for (const auto &poll : polls) {
        const RawResponse r = poll->read();
        QCOMPARE(r.status, 200);
        QCOMPARE(idsOf(r.body), QList<quint64>{id});
        poll->get("/api/messages/wait?timeout=60&since=" + QByteArray::number(id));
    }

    // A second message shows that nobody got the first one twice: a duplicate would arrive
    // before it, on a stream as a second event, on a poll as the answer to the next request.
    const quint64 next = publish(publisher, "and again");
    QCOMPARE(next, id + 1);
    for (const auto &stream : streams) {
        QVERIFY(stream->waitForId(next));
        QCOMPARE(stream->ids(), (QList<quint64>{id, next}));
        QCOMPARE(stream->texts(),
                 (QStringList{QStringLiteral("to everyone"), QStringLiteral("and again")}));
        QVERIFY2(stream->problem().isEmpty(), qPrintable(stream->problem()));
    }
    for (const auto &poll : polls) {
        const RawResponse r = poll->read();
        QCOMPARE(r.status, 200);
        QCOMPARE(idsOf(r.body), QList<quint64>{next});
    }
}

void TestServerThreads::concurrentPublishersReachEveryClientOnceInOrder() {
    constexpr int publishers = 4;
    constexpr int perPublisher = 250;
    constexpr int batch = 5; // pipelined on each connection per round
    constexpr int total = publishers * perPublisher;
    const auto host = startHost(2);
    QVERIFY(host);
    RawHttp control(host->port());
    const quint64 before = lastIdOf(control);
    QVERIFY(before != 0);
    std::vector<std::unique_ptr<SseClient>> streams;
    for (int i = 0; i < 10; ++i) {
        streams.push_back(std::make_unique<SseClient>(host->port()));
        QVERIFY(streams.back()->waitForOpen());
    }
    std::vector<std::unique_ptr<PollLoop>> polls;
    for (int i = 0; i < 4; ++i)
        polls.push_back(std::make_unique<PollLoop>(host->port(), before));
    std::array<std::unique_ptr<RawHttp>, publishers> senders;
    for (auto &sender : senders) {
        sender = std::make_unique<RawHttp>(host->port());
        QVERIFY(lastIdOf(*sender) != 0); // answered: really accepted
    }
    QTRY_COMPARE(statOf(control, "patterns/long/open"), qint64(polls.size()));
    const QString problem = threadSpreadProblem(stats(control), 2, 1);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));

    // All four connections have requests in flight at once, on both threads.
    QHash<quint64, QString> textOf;
    std::array<QList<quint64>, publishers> idsFrom;
    for (int round = 0; round < perPublisher / batch; ++round) {
        for (int p = 0; p < publishers; ++p) {
            QByteArray requests;
            for (int j = 0; j < batch; ++j) {
                const QByteArray text =
                    "p" + QByteArray::number(p) + " m" + QByteArray::number(round * batch + j);
                requests += "POST /api/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " +
                            QByteArray::number(text.size()) + "\r\n\r\n" + text;
            }
            senders[std::size_t(p)]->send(requests);
        }
        for (int p = 0; p < publishers; ++p) {
            for (int j = 0; j < batch; ++j) {
                const RawResponse r = senders[std::size_t(p)]->read();
                QCOMPARE(r.status, 201);
                const QJsonObject m = jsonObject(r.body);
                QCOMPARE(m.value(QStringLiteral("text")).toString(),
                         QStringLiteral("p%1 m%2").arg(p).arg(round * batch + j));
                QVERIFY2(!textOf.contains(idOf(m)), "an id handed out twice");
                textOf.insert(idOf(m), m.value(QStringLiteral("text")).toString());
                idsFrom[std::size_t(p)].append(idOf(m));
            }
        }
        for (const auto &poll : polls) { // the polls loop meanwhile, whenever answered
            poll->take(1);
            QVERIFY2(poll->problem().isEmpty(), qPrintable(poll->problem()));
        }
    }
    QCOMPARE(textOf.size(), total);
    for (const QList<quint64> &ids : idsFrom) { // one connection's messages keep their order
        for (qsizetype i = 1; i < ids.size(); ++i)
            QVERIFY(ids.at(i) > ids.at(i - 1));
    }
    const QList<quint64> expected = range(before + 1, before + total); // contiguous
    for (const quint64 id : expected)
        QVERIFY2(textOf.contains(id), "the published ids are not contiguous");
    QStringList expectedTexts;
    for (const quint64 id : expected)
        expectedTexts.append(textOf.value(id));

    for (const auto &stream : streams) {
        QVERIFY(stream->waitForId(before + total, 15000));
        QCOMPARE(stream->ids(), expected);
        QCOMPARE(stream->texts(), expectedTexts);
        QVERIFY2(stream->problem().isEmpty(), qPrintable(stream->problem()));
    }
    for (const auto &poll : polls) {
        for (int i = 0; i < total && poll->since() < before + total; ++i)
            QVERIFY2(poll->take(5000), qPrintable(poll->problem()));
        QCOMPARE(poll->ids(), expected);
        QCOMPARE(poll->texts(), expectedTexts);
    }

    control.get("/api/messages?since=" + QByteArray::number(before));
    const RawResponse r = control.read();
    QCOMPARE(r.status, 200);
    QCOMPARE(idsOf(r.body), expected);
    const QJsonObject poll = jsonObject(r.body);
    QCOMPARE(quint64(poll.value(QStringLiteral("lastId")).toInteger()), before + total);
    QVERIFY(!poll.contains(QStringLiteral("gap")));

    // One more: nothing of the thousand arrives again after it.
    const quint64 last = publish(*senders[0], "last");
    QCOMPARE(last, before + total + 1);
    for (const auto &stream : streams) {
        QVERIFY(stream->waitForId(last));
        QCOMPARE(stream->ids(), range(before + 1, last));
    }
    for (const auto &poll : polls) {
        QVERIFY2(poll->take(5000), qPrintable(poll->problem()));
        QCOMPARE(poll->ids(), range(before + 1, last));
    }
}

void TestServerThreads::closedStreamsResumeOnAnyThread() {
    constexpr int clients = 10;
    const auto host = startHost(2);
    QVERIFY(host);
    RawHttp control(host->port());
    std::vector<std::unique_ptr<SseClient>> streams;
    for (int i = 0; i < clients; ++i) {
        streams.push_back(std::make_unique<SseClient>(host->port()));
        QVERIFY(streams.back()->waitForOpen());
    }
    QTRY_COMPARE(statOf(control, "patterns/sse/open"), qint64(clients));
    const QString problem = threadSpreadProblem(stats(control), 2, 1);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    const quint64 seen = publish(control, "before the close");
    QVERIFY(seen != 0);
    for (const auto &stream : streams)
        QVERIFY(stream->waitForId(seen));

    control.post("/api/streams/close", QByteArray());
    const RawResponse r = control.read();
    QCOMPARE(r.status, 200);
    QCOMPARE(jsonObject(r.body).value(QStringLiteral("closed")).toInt(), clients);
    for (const auto &stream : streams) {
        QVERIFY(stream->waitForDisconnected());
        QCOMPARE(stream->ids(), QList<quint64>{seen});
    }
    QTRY_COMPARE(statOf(control, "patterns/sse/open"), qint64(0));

    const quint64 away = publish(control, "while away");
    const quint64 stillAway = publish(control, "still away");
    QCOMPARE(stillAway, away + 1);
    std::vector<std::unique_ptr<SseClient>> resumed;
    for (int i = 0; i < clients; ++i) {
        resumed.push_back(std::make_unique<SseClient>(host->port(), seen));
        QVERIFY(resumed.back()->waitForId(stillAway));
        QCOMPARE(resumed.back()->ids(), (QList<quint64>{away, stillAway}));
    }
    const QString resumedProblem = threadSpreadProblem(stats(control), 2, 1);
    QVERIFY2(resumedProblem.isEmpty(), qPrintable(resumedProblem));
    const quint64 live = publish(control, "live again");
    for (const auto &stream : resumed) {
        QVERIFY(stream->waitForId(live));
        QCOMPARE(stream->ids(), (QList<quint64>{away, stillAway, live})); // replay, then live
        QCOMPARE(stream->texts(),
                 (QStringList{QStringLiteral("while away"), QStringLiteral("still away"),
                              QStringLiteral("live again")}));
        QVERIFY2(stream->problem().isEmpty(), qPrintable(stream->problem()));
    }
}

void TestServerThreads::statsAddUpEveryThread() {
    constexpr int streamCount = 6;
    constexpr int waitCount = 4;
    constexpr int shortConnections = 3;
    constexpr int shortPerConnection = 3;
    const auto host = startHost(2);
    QVERIFY(host);
    RawHttp statsHttp(host->port());
    RawHttp publisher(host->port());
    std::vector<std::unique_ptr<SseClient>> streams;
    for (int i = 0; i < streamCount; ++i) {
        streams.push_back(std::make_unique<SseClient>(host->port()));
        QVERIFY(streams.back()->waitForOpen());
    }
    std::vector<std::unique_ptr<RawHttp>> waits;
    for (int i = 0; i < waitCount; ++i) {
        waits.push_back(std::make_unique<RawHttp>(host->port()));
        waits.back()->get("/api/messages/wait?timeout=60");
    }
    std::vector<std::unique_ptr<RawHttp>> shorts;
    for (int i = 0; i < shortConnections; ++i) {
        shorts.push_back(std::make_unique<RawHttp>(host->port()));
        for (int j = 0; j < shortPerConnection; ++j) {
            shorts.back()->get("/api/messages?since=0");
            QCOMPARE(shorts.back()->read().status, 200);
        }
    }
    QTRY_COMPARE(statOf(statsHttp, "patterns/long/open"), qint64(waitCount));

    const quint64 id = publish(publisher, "counted");
    QVERIFY(id != 0);
    for (const auto &stream : streams)
        QVERIFY(stream->waitForId(id));
    for (const auto &wait : waits) {
        QCOMPARE(wait->read().status, 200);
        wait->get("/api/messages/wait?timeout=60&since=" + QByteArray::number(id));
    }
    QTRY_COMPARE(statOf(statsHttp, "patterns/long/requests"), qint64(2 * waitCount));
    QTRY_COMPARE(statOf(statsHttp, "patterns/long/open"), qint64(waitCount));

    const QJsonObject s = stats(statsHttp);
    const qint64 connections = 2 + streamCount + waitCount + shortConnections;
    QCOMPARE(statOf(s, "connections"), connections);
    const QString problem = threadSpreadProblem(s, 2, 1);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QCOMPARE(statOf(s, "messagesPublished"), qint64(1));
    QCOMPARE(quint64(statOf(s, "lastId")), id);
    QCOMPARE(statOf(s, "historySize"), qint64(1));
    QCOMPARE(statOf(s, "patterns/short/requests"), qint64(shortConnections * shortPerConnection));
    QCOMPARE(statOf(s, "patterns/short/open"), qint64(shortConnections));
    QCOMPARE(statOf(s, "patterns/short/delivered"), qint64(0)); // polled before the publish
    QCOMPARE(statOf(s, "patterns/long/delivered"), qint64(waitCount));
    QCOMPARE(statOf(s, "patterns/sse/requests"), qint64(streamCount));
    QCOMPARE(statOf(s, "patterns/sse/open"), qint64(streamCount));
    QCOMPARE(statOf(s, "patterns/sse/delivered"), qint64(streamCount));
    QVERIFY(statOf(s, "patterns/short/bytesOut") > 0);
    QVERIFY(statOf(s, "patterns/long/bytesOut") > 0);
    QVERIFY(statOf(s, "patterns/sse/bytesOut") > 0);
    QCOMPARE(statOf(s, "peersTotal"), qint64(streamCount + waitCount + shortConnections));
    QCOMPARE(s.value(QStringLiteral("peers")).toArray().size(),
             streamCount + waitCount + shortConnections);
}

void TestServerThreads::connectionCapIsGlobal() {
    constexpr int cap = 10;
    ServerConfig config;
    config.maxConnections = cap;
    const auto host = startHost(2, config);
    QVERIFY(host);
    std::vector<std::unique_ptr<RawHttp>> held;
    for (int i = 0; i < cap; ++i) {
        held.push_back(std::make_unique<RawHttp>(host->port()));
        held.back()->get("/api/messages");
        QCOMPARE(held.back()->read().status, 200);
    }

    RawHttp refused(host->port());
    const RawResponse r = refused.read();
    if (r.status != 503) { // 0: no answer at all, the server took the connection in
        QJsonObject seen = stats(*held.front());
        seen.remove(QStringLiteral("peers"));
        QFAIL(qPrintable(
            QStringLiteral("connection %1 got status %2; stats: %3")
                .arg(cap + 1)
                .arg(r.status)
                .arg(QString::fromUtf8(QJsonDocument(seen).toJson(QJsonDocument::Compact)))));
    }
    QVERIFY(!jsonObject(r.body).value(QStringLiteral("error")).toString().isEmpty());
    QVERIFY(refused.waitForDisconnected());

    for (const auto &http : held) { // the ones already in still work
        http->get("/api/messages");
        QCOMPARE(http->read().status, 200);
    }
    const QJsonObject s = stats(*held.front());
    QCOMPARE(statOf(s, "connections"), qint64(cap));
    QCOMPARE(statOf(s, "maxConnections"), qint64(cap));
    const QString problem = threadSpreadProblem(s, 2, 1);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));

    // One leaves: a newcomer gets its place, whichever thread it lands on, once the server
    // has noticed. Refused attempts hold nothing, and a served one is kept (so the condition
    // stays true when QTRY_VERIFY checks it again).
    held.pop_back();
    std::unique_ptr<RawHttp> newcomer;
    const auto newcomerServed = [&newcomer, port = host->port()] {
        if (!newcomer) {
            auto http = std::make_unique<RawHttp>(port);
            http->get("/api/messages");
            if (http->read(2000).status == 200)
                newcomer = std::move(http);
        }
        return newcomer != nullptr;
    };
    QTRY_VERIFY(newcomerServed());
    RawHttp again(host->port()); // and the cap still holds
    QCOMPARE(again.read().status, 503);
}

void TestServerThreads::stopWithClientsOnEveryThreadIsClean() {
    constexpr int threads = 3;
    const auto host = startHost(threads);
    QVERIFY(host);
    const quint16 port = host->port();
    std::vector<std::unique_ptr<SseClient>> streams;
    std::vector<std::unique_ptr<RawHttp>> others; // waiting polls, then idle keep-alives
    for (int i = 0; i < 6; ++i) {
        streams.push_back(std::make_unique<SseClient>(port));
        QVERIFY(streams.back()->waitForOpen());
        others.push_back(std::make_unique<RawHttp>(port));
        others.back()->get("/api/messages/wait?timeout=60");
    }
    for (int i = 0; i < 3; ++i) {
        others.push_back(std::make_unique<RawHttp>(port));
        others.back()->get("/api/messages");
        QCOMPARE(others.back()->read().status, 200);
    }
    RawHttp statsHttp(port);
    QTRY_COMPARE(statOf(statsHttp, "patterns/long/open"), qint64(6));
    const QJsonObject s = stats(statsHttp);
    QCOMPARE(statOf(s, "patterns/sse/open"), qint64(6));
    const QString problem = threadSpreadProblem(s, threads, 1);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));

    host->stop(); // returns, with streams and waiting polls on every thread (ASan run)
    QVERIFY(!host->isRunning());
    for (const auto &stream : streams)
        QVERIFY(stream->waitForDisconnected());
    for (const auto &http : others)
        QVERIFY(http->waitForDisconnected());
    QVERIFY(statsHttp.waitForDisconnected());
    RawHttp late(port);
    QVERIFY(!late.connected()); // nobody listens any more
    host->stop();               // idempotent
}

void TestServerThreads::publishIsVisibleAtOnceOnAnotherConnection() {
    const auto host = startHost(2);
    QVERIFY(host);
    RawHttp publisher(host->port());
    QVERIFY(lastIdOf(publisher) != 0); // answered: really accepted
    std::array<std::unique_ptr<RawHttp>, 3> readers;
    for (auto &reader : readers) {
        reader = std::make_unique<RawHttp>(host->port());
        QVERIFY(lastIdOf(*reader) != 0);
    }
    // Four connections, each thread serving some: a reader is on another thread than the
    // publisher.
    const QJsonObject s = stats(*readers[0]);
    QCOMPARE(statOf(s, "connections"), qint64(4));
    const QString problem = threadSpreadProblem(s, 2, 1);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));

    for (int i = 0; i < 50; ++i) {
        const quint64 id = publish(publisher, "read your writes " + QByteArray::number(i));
        QVERIFY(id != 0);
        for (const auto &reader : readers) {
            reader->get("/api/messages?since=" + QByteArray::number(id - 1));
            const RawResponse r = reader->read();
            QCOMPARE(r.status, 200);
            QCOMPARE(idsOf(r.body), QList<quint64>{id});
            QCOMPARE(quint64(jsonObject(r.body).value(QStringLiteral("lastId")).toInteger()), id);
        }
    }
}

void TestServerThreads::loopLeftBehindTellsItsStreamsOfTheGap() {
    // Two loops of one server, both in this thread: a loop catches up only when its event
    // loop runs, so publishing more than the history keeps through one loop, without letting
    // the other run, leaves the other behind.
    ServerConfig config;
    config.port = 0;
    config.historySize = 5;
    const auto group = std::make_shared<ServerGroup>(config.historySize, 1000);
    PushServer first(config, group);
    PushServer second(config, group);
    QVERIFY(first.listen());
    QVERIFY(second.serveAlongside(first.listeningSocket()));
    RawHttp stream(first.port());
    stream.get("/api/events");
    QVERIFY(stream.readUntil("retry:").contains("retry:"));
    QTRY_COMPARE(first.openStreamCount() + second.openStreamCount(), 1);
    PushServer &holder = first.openStreamCount() == 1 ? first : second;
    PushServer &publisher = &holder == &first ? second : first;

    for (int i = 0; i < 8; ++i) // ids 1000..1007; the history keeps 1003..1007
        QCOMPARE(publisher.publish(QStringLiteral("m%1").arg(i)).id, 1000u + quint64(i));
    const QByteArray got = stream.readUntil("\"text\":\"m7\"");
    const QByteArray gap =
        "event: gap\ndata: "
        "{\"lastSeenId\":999,\"firstAvailableId\":1003,\"reason\":\"evicted\"}\n\n";
    QVERIFY2(got.contains(gap), got.constData());
    QVERIFY(got.indexOf(gap) < got.indexOf("id: 1003\n"));
    for (quint64 id = 1000; id < 1003; ++id)
        QVERIFY(!got.contains(QByteArray("id: " + QByteArray::number(id) + '\n')));
    for (quint64 id = 1003; id < 1008; ++id)
        QCOMPARE(got.count(QByteArray("id: " + QByteArray::number(id) + '\n')), 1);
}

void TestServerThreads::fanOutThreadsReachManyStreamsOnce() {
    // Past 512 streams a loop sends each message with its fan-out helpers.
    ServerConfig config;
    config.fanOutThreads = 3;
    const auto host = startHost(1, config);
    QVERIFY(host);
    constexpr int streamCount = 600;
    std::vector<std::unique_ptr<RawHttp>> streams;
    for (int i = 0; i < streamCount; ++i) {
        streams.push_back(std::make_unique<RawHttp>(host->port()));
        streams.back()->get("/api/events");
    }
    for (const auto &stream : streams)
        QVERIFY(stream->readUntil("retry:").contains("retry:"));
    RawHttp publisher(host->port());
    QTRY_COMPARE(statOf(publisher, "patterns/sse/open"), qint64(streamCount));
    QCOMPARE(statOf(stats(publisher), "fanOutThreads"), qint64(3));
    std::vector<quint64> ids;
    for (int i = 0; i < 3; ++i)
        ids.push_back(publish(publisher, "to many " + QByteArray::number(i)));
    for (const auto &stream : streams) {
        const QByteArray got = stream->readUntil("\"text\":\"to many 2\"");
        qsizetype at = 0;
        for (const quint64 id : ids) { // each once, in order
            const QByteArray line = "id: " + QByteArray::number(id) + "\n";
            const qsizetype found = got.indexOf(line, at);
            QVERIFY2(found >= at, got.constData());
            QCOMPARE(got.count(line), 1);
            at = found + 1;
        }
    }
    QCOMPARE(statOf(publisher, "patterns/sse/delivered"), qint64(streamCount) * 3);
}

QTEST_GUILESS_MAIN(TestServerThreads)
#include "tst_serverthreads.moc"
