// Several servers, one history (--redis): a real redis-server, two ServerHosts, their clients.

#include "rawhttp.h"
#include "redisprocess.h"
#include "serverhost.h"

#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QRegularExpression>
#include <QtTest/QtTest>

using namespace Qt::StringLiterals;

namespace {

std::unique_ptr<ServerHost> startServer(const QString &redisUrl, int threads = 1) {
    ServerConfig config;
    config.port = 0;
    config.threads = threads;
    config.redisUrl = redisUrl;
    auto host = std::make_unique<ServerHost>(config);
    QString error;
    if (!host->start(&error))
        qWarning("start failed: %s", qPrintable(error));
    return host;
}

// The ids of an event stream's messages, in arrival order, and its gap events' data.
struct StreamLog {
    QList<quint64> ids;
    QList<QByteArray> gaps;
};
StreamLog parse(const QByteArray &bytes) {
    StreamLog log;
    const QList<QByteArray> events = bytes.split('\n');
    bool gap = false;
    for (const QByteArray &line : events) {
        if (line.startsWith("id: "))
            log.ids.push_back(line.mid(4).toULongLong());
        else if (line == "event: gap")
            gap = true;
        else if (gap && line.startsWith("data: ")) {
            log.gaps.push_back(line.mid(6));
            gap = false;
        }
    }
    return log;
}

// Publishes `text` through `publisher`: the stored id (0 when not 201), the status in *status.
quint64 publish(RawHttp &publisher, const QByteArray &text, int *status = nullptr) {
    publisher.post("/api/messages", text, "Content-Type: text/plain\r\n");
    const RawResponse r = publisher.read();
    if (status)
        *status = r.status;
    if (r.status != 201)
        return 0;
    return quint64(QJsonDocument::fromJson(r.body).object().value(u"id"_s).toInteger());
}

} // namespace

class TestRedisHistory : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init();
    void alternatingPublishesReachEveryClientOnceInOrder_data();
    void alternatingPublishesReachEveryClientOnceInOrder();
    void clientMovedToAnotherServerResumesWithNothingMissing();
    void requestsPipelinedBehindAPublishAreAnsweredAfterIt();
    void redisKilledAndRestartedLosesNothingAccepted();
    void redisRestartedEmptyIsARestartGap();
    void unreachableRedisFailsTheStart();
};

void TestRedisHistory::init() {
    if (RedisProcess::binary().isEmpty())
        QSKIP("redis-server is not installed (scripts/setup.sh test installs it)");
}

void TestRedisHistory::alternatingPublishesReachEveryClientOnceInOrder_data() {
    QTest::addColumn<int>("threadsOfB");
    QTest::newRow("one loop each") << 1;
    QTest::newRow("B with three loops") << 3;
}

void TestRedisHistory::alternatingPublishesReachEveryClientOnceInOrder() {
    QFETCH(int, threadsOfB);
    RedisProcess redis(false);
    QVERIFY(redis.start());
    const auto a = startServer(redis.url());
    const auto b = startServer(redis.url(), threadsOfB);
    QVERIFY(a->isRunning() && b->isRunning());

    std::vector<std::unique_ptr<RawHttp>> streams;
    for (quint16 port : {a->port(), a->port(), b->port(), b->port(), b->port()}) {
        streams.push_back(std::make_unique<RawHttp>(port));
        streams.back()->get("/api/events");
        QVERIFY(streams.back()->readUntil("retry:").contains("retry:"));
    }
    RawHttp toA(a->port());
    RawHttp toB(b->port());
    QList<quint64> published;
    constexpr int count = 1000;
    for (int i = 0; i < count; ++i) {
        const quint64 id = publish(i % 2 ? toB : toA, "message " + QByteArray::number(i));
        QVERIFY2(id != 0, qPrintable(u"publish %1 failed"_s.arg(i)));
        published.push_back(id);
    }
    for (int i = 1; i < count; ++i)
        QCOMPARE(published[i], published[i - 1] + 1); // one sequence, whichever server

    for (const auto &stream : streams) {
        const QByteArray bytes =
            stream->readUntil("\"message " + QByteArray::number(count - 1) + "\"");
        const StreamLog log = parse(bytes);
        QCOMPARE(log.ids, published);
        QVERIFY(log.gaps.isEmpty());
        QVERIFY(bytes.indexOf("\"message 998\"") < bytes.indexOf("\"message 999\""));
    }
    // A short poll on either server answers the same history.
    RawHttp poll(b->port());
    poll.get("/api/messages?since=" + QByteArray::number(published[count - 11]));
    const QJsonObject answer = QJsonDocument::fromJson(poll.read().body).object();
    QCOMPARE(answer.value(u"messages"_s).toArray().size(), 10);
    QCOMPARE(quint64(answer.value(u"lastId"_s).toInteger()), published.back());
}

void TestRedisHistory::clientMovedToAnotherServerResumesWithNothingMissing() {
    RedisProcess redis(false);
    QVERIFY(redis.start());
    const auto a = startServer(redis.url());
    const auto b = startServer(redis.url());
    RawHttp toA(a->port());
    RawHttp toB(b->port());

    quint64 lastSeen = 0;
    {
        RawHttp onA(a->port());
        onA.get("/api/events");
        QVERIFY(onA.readUntil("retry:").contains("retry:"));
        for (int i = 0; i < 5; ++i)
            lastSeen = publish(toA, "before " + QByteArray::number(i));
        const StreamLog seen = parse(onA.readUntil("\"before 4\""));
        QCOMPARE(seen.ids.size(), 5);
        QCOMPARE(seen.ids.back(), lastSeen);
    } // the client leaves A
    QList<quint64> missed;
    for (int i = 0; i < 5; ++i)
        missed.push_back(publish(i % 2 ? toA : toB, "while away " + QByteArray::number(i)));

    RawHttp onB(b->port());
    onB.get("/api/events", "Last-Event-ID: " + QByteArray::number(lastSeen) + "\r\n");
    const StreamLog resumed = parse(onB.readUntil("\"while away 4\""));
    QCOMPARE(resumed.ids, missed);
    QVERIFY(resumed.gaps.isEmpty());
    const quint64 next = publish(toA, "after");
    QCOMPARE(parse(onB.readUntil("\"after\"")).ids.back(), next);
}

void TestRedisHistory::requestsPipelinedBehindAPublishAreAnsweredAfterIt() {
    // The publish waits for Redis; the poll sent right behind it on the same connection is
    // answered after it, and already sees it (read-your-writes on the publishing server).
    RedisProcess redis(false);
    QVERIFY(redis.start());
    const auto a = startServer(redis.url());
    RawHttp client(a->port());
    client.send("POST /api/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
                "Content-Length: 5\r\n\r\nfirst"
                "GET /api/messages?since=0 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                "GET /updatemessage?message=second HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    const RawResponse published = client.read();
    QCOMPARE(published.status, 201);
    const RawResponse poll = client.read();
    QCOMPARE(poll.status, 200);
    QVERIFY(poll.body.contains("\"first\""));
    const RawResponse seed = client.read();
    QCOMPARE(seed.status, 200);
    const quint64 firstId =
        quint64(QJsonDocument::fromJson(published.body).object().value(u"id"_s).toInteger());
    QCOMPARE(seed.body, "published " + QByteArray::number(firstId + 1) + '\n');
}

void TestRedisHistory::redisKilledAndRestartedLosesNothingAccepted() {
    RedisProcess redis(true); // appendonly, fsync always: what Redis acknowledged survives
    QVERIFY(redis.start());
    const auto a = startServer(redis.url());
    const auto b = startServer(redis.url(), 2);
    RawHttp onA(a->port());
    RawHttp onB(b->port());
    onA.get("/api/events");
    onB.get("/api/events");
    QVERIFY(onA.readUntil("retry:").contains("retry:"));
    QVERIFY(onB.readUntil("retry:").contains("retry:"));
    RawHttp toA(a->port());
    RawHttp toB(b->port());
    QList<quint64> accepted;
    for (int i = 0; i < 50; ++i)
        accepted.push_back(publish(i % 2 ? toB : toA, "first half " + QByteArray::number(i)));
    QVERIFY(!accepted.contains(0));

    redis.kill(); // mid-run
    int status = 0;
    QTRY_COMPARE((publish(toA, "while down", &status), status), 503);
    toB.post("/api/messages", "also while down");
    const RawResponse refused = toB.read();
    QCOMPARE(refused.status, 503);
    QVERIFY(QJsonDocument::fromJson(refused.body).object().value(u"error"_s).isString());
    QVERIFY(onA.connected() && onB.connected()); // clients keep their streams

    QVERIFY(redis.start());
    // QTRY evaluates again after success: publish only until one is stored.
    quint64 back = 0;
    QTRY_VERIFY_WITH_TIMEOUT(back != 0 || (back = publish(toB, "back", &status)) != 0, 10000);
    accepted.push_back(back);
    for (int i = 0; i < 50; ++i)
        accepted.push_back(publish(i % 2 ? toB : toA, "second half " + QByteArray::number(i)));

    for (RawHttp *stream : {&onA, &onB}) {
        const StreamLog log = parse(stream->readUntil("\"second half 49\""));
        QVERIFY(log.gaps.isEmpty());
        QCOMPARE(log.ids.size(), accepted.size());
        QCOMPARE(log.ids, accepted); // every 201, once, in order; nothing refused
        for (int i = 1; i < log.ids.size(); ++i)
            QCOMPARE(log.ids[i], log.ids[i - 1] + 1);
    }
}

void TestRedisHistory::redisRestartedEmptyIsARestartGap() {
    RedisProcess redis(false); // nothing on disk: a restart is an empty Redis
    QVERIFY(redis.start());
    const auto a = startServer(redis.url());
    const auto b = startServer(redis.url());
    RawHttp onA(a->port());
    onA.get("/api/events");
    QVERIFY(onA.readUntil("retry:").contains("retry:"));
    RawHttp toB(b->port());
    quint64 before = 0;
    for (int i = 0; i < 3; ++i)
        before = publish(toB, "old " + QByteArray::number(i));
    QVERIFY(parse(onA.readUntil("\"old 2\"")).ids.contains(before));

    redis.kill();
    QVERIFY(redis.start());
    // Both servers reconnect and learn of the new epoch; A's stream is told, not left waiting.
    QVERIFY(onA.readUntil("event: gap").contains("event: gap"));
    const StreamLog log = parse(onA.takeBuffer());
    QCOMPARE(log.gaps.size(), 1);
    const QJsonObject gap = QJsonDocument::fromJson(log.gaps.front()).object();
    QCOMPARE(gap.value(u"reason"_s).toString(), u"restart"_s);
    QCOMPARE(quint64(gap.value(u"lastSeenId"_s).toInteger()), before);

    int status = 0;
    quint64 next = 0;
    QTRY_VERIFY_WITH_TIMEOUT(next != 0 || (next = publish(toB, "new", &status)) != 0, 10000);
    QVERIFY(next > before); // never an id given out before
    QCOMPARE(parse(onA.readUntil("\"new\"")).ids.back(), next);
    // A poll resuming from the lost epoch on the other server is told the same.
    RawHttp poll(b->port());
    QTRY_VERIFY([&] {
        poll.get("/api/messages?since=" + QByteArray::number(before));
        return poll.read().body.contains("\"restart\"");
    }());
}

void TestRedisHistory::unreachableRedisFailsTheStart() {
    RedisProcess redis(false); // its port, never started
    ServerConfig config;
    config.port = 0;
    config.redisUrl = redis.url();
    ServerHost host(config);
    QString error;
    QVERIFY(!host.start(&error));
    QVERIFY2(error.contains(u"unreachable"_s), qPrintable(error));
    QVERIFY(!host.isRunning());
}

QTEST_GUILESS_MAIN(TestRedisHistory)
#include "tst_redishistory.moc"
