// The clients against a raw QTcpServer that sends exactly the bytes a row asks for: awkward but
// legal event streams, and answers no PushLab client should accept.
#include "latencystats.h"
#include "longpollclient.h"
#include "shortpollclient.h"
#include "sseclient.h"

#include <QtCore/QPointer>
#include <QtCore/QTimer>
#include <QtNetwork/QTcpServer>
#include <QtNetwork/QTcpSocket>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

using Events = QList<QStringList>; // {type, data, lastEventId}

namespace {

// Answers every connection with the same scripted bytes, written chunk by chunk (one chunk per
// event-loop pass, so the client really sees them split), then closes unless told to hold.
class ScriptedServer final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ScriptedServer)

public:
    explicit ScriptedServer(QObject *parent = nullptr)
        : QObject(parent) {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                socket->setParent(this);
                connect(socket, &QTcpSocket::readyRead, this,
                        [this, socket] { onReadyRead(socket); });
                connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
    }

    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    QUrl url(const QString &path = {}) const {
        return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_server.serverPort()).arg(path));
    }

    QList<QByteArray> chunks;   // the response, as written
    bool holdOpen = false;      // keep the connection open after the last chunk
    QList<QByteArray> requests; // request heads received

    QByteArray header(int index, const QByteArray &name) const {
        for (const QByteArray &line : requests.value(index).split('\n')) {
            const qsizetype colon = line.indexOf(':');
            if (colon > 0 && line.first(colon).trimmed().toLower() == name.toLower())
                return line.sliced(colon + 1).trimmed();
        }
        return {};
    }

private:
    void onReadyRead(QTcpSocket *socket) {
        QByteArray &buffer = m_buffers[socket];
        buffer += socket->readAll();
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        requests.append(buffer.first(end));
        buffer.clear();
        writeChunk(socket, 0);
    }

    void writeChunk(QPointer<QTcpSocket> socket, int index) {
        if (!socket || socket->state() != QAbstractSocket::ConnectedState)
            return;
        if (index >= chunks.size()) {
            if (!holdOpen)
                socket->disconnectFromHost();
            return;
        }
        socket->write(chunks.at(index));
        socket->flush();
        QTimer::singleShot(2, this, [this, socket, index] { writeChunk(socket, index + 1); });
    }

    QTcpServer m_server;
    QHash<QTcpSocket *, QByteArray> m_buffers;
};

QList<QByteArray> splitEvery(const QByteArray &bytes, int size) {
    QList<QByteArray> out;
    for (qsizetype i = 0; i < bytes.size(); i += size)
        out.append(bytes.mid(i, size));
    return out;
}

const QByteArray streamHead("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                            "Cache-Control: no-cache\r\n\r\n");

Events receivedEvents(const QList<TrafficEvent> &events) {
    Events out;
    for (const TrafficEvent &e : events) {
        if (e.kind == TrafficEvent::Kind::EventReceived)
            out.append(QStringList{e.eventType, e.data, e.lastEventId});
    }
    return out;
}

int countOf(const QList<TrafficEvent> &events, TrafficEvent::Kind kind) {
    return int(std::count_if(events.cbegin(), events.cend(),
                             [kind](const TrafficEvent &e) { return e.kind == kind; }));
}

} // namespace

class tst_ClientsAgainstRawServer : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { qRegisterMetaType<TrafficEvent>(); }
    void awkwardButLegalStreams_data();
    void awkwardButLegalStreams();
    void refusedStreams_data();
    void refusedStreams();
    void reconnectsWithLastEventIdAfterTheServersRetry();
    void silenceMeansADeadConnection();
    void silenceLimitFollowsTheAnnouncedHeartbeat_data();
    void silenceLimitFollowsTheAnnouncedHeartbeat();
    void anyEventStreamUrl();
    void pollersStopOnNonPushLabAnswers_data();
    void pollersStopOnNonPushLabAnswers();
    void longPollBacksOffOnServerErrors();
};

void tst_ClientsAgainstRawServer::awkwardButLegalStreams_data() {
    QTest::addColumn<QList<QByteArray>>("chunks");
    QTest::addColumn<Events>("expected");

    const QByteArray pushlab =
        "retry: 2000\n\nid: 5\nevent: message\n"
        "data: {\"id\":5,\"text\":\"hi\",\"publishedAt\":1}\n\n: heartbeat\n\n";
    const Events pushlabEvents{
        {u"message"_qs, u"{\"id\":5,\"text\":\"hi\",\"publishedAt\":1}"_qs, u"5"_qs}};
    QTest::newRow("whole") << QList<QByteArray>{streamHead + pushlab} << pushlabEvents;
    QTest::newRow("one byte at a time")
        << (QList<QByteArray>{streamHead} + splitEvery(pushlab, 1)) << pushlabEvents;
    QTest::newRow("head split too") << splitEvery(streamHead + pushlab, 7) << pushlabEvents;
    QTest::newRow("CR-only lines")
        << QList<QByteArray>{streamHead, "data: a\rid: 1\r\rdata: b\r", "\r"}
        << Events{{u"message"_qs, u"a"_qs, u"1"_qs}, {u"message"_qs, u"b"_qs, u"1"_qs}};
    QTest::newRow("CRLF split between CR and LF")
        << QList<QByteArray>{streamHead, "data: a\r", "\n\r", "\ndata: b\r\n\r\n"}
        << Events{{u"message"_qs, u"a"_qs, QString()}, {u"message"_qs, u"b"_qs, QString()}};
    QTest::newRow("BOM split across chunks") << QList<QByteArray>{streamHead, "\xEF", "\xBB",
                                                                  "\xBF"
                                                                  "data: x\n\n"}
                                             << Events{{u"message"_qs, u"x"_qs, QString()}};
    QTest::newRow("comments only, then an event")
        << QList<QByteArray>{streamHead, ":hello\n\n", ": more\n", "\nevent: custom\ndata: y\n\n"}
        << Events{{u"custom"_qs, u"y"_qs, QString()}};
    QTest::newRow("content type with parameters")
        << QList<QByteArray>{"HTTP/1.1 200 OK\r\nContent-Type: Text/Event-Stream; "
                             "charset=utf-8\r\n\r\n"
                             "data: z\n\n"}
        << Events{{u"message"_qs, u"z"_qs, QString()}};
    QTest::newRow("unterminated last event discarded")
        << QList<QByteArray>{streamHead, "data: one\n\ndata: two\n"}
        << Events{{u"message"_qs, u"one"_qs, QString()}};
}

void tst_ClientsAgainstRawServer::awkwardButLegalStreams() {
    QFETCH(QList<QByteArray>, chunks);
    QFETCH(Events, expected);
    ScriptedServer server;
    server.chunks = chunks;
    QVERIFY(server.listen());
    SseClient client;
    client.setStreamUrl(server.url(QStringLiteral("/stream")));
    client.setReconnectDelayOverrideMs(60000); // one connection is enough here
    QList<TrafficEvent> events;
    connect(&client, &PatternClient::trafficEvent, this,
            [&events](const TrafficEvent &e) { events.append(e); });
    client.start();
    // The server closes after its script: the client plans to reconnect, as browsers do.
    QTRY_COMPARE_WITH_TIMEOUT(countOf(events, TrafficEvent::Kind::ReconnectScheduled), 1, 10000);
    QCOMPARE(receivedEvents(events), expected);
    QCOMPARE(countOf(events, TrafficEvent::Kind::StreamOpened), 1);
    QCOMPARE(countOf(events, TrafficEvent::Kind::Error), 0);
    QVERIFY(client.isRunning());
    QCOMPARE(server.header(0, "accept"), QByteArray("text/event-stream"));

    // Every byte of the body is accounted for, once: events + what the stream end released.
    qint64 bodyBytes = 0;
    for (const TrafficEvent &e : events) {
        if (e.kind == TrafficEvent::Kind::EventReceived ||
            e.kind == TrafficEvent::Kind::ReconnectScheduled)
            bodyBytes += e.bytes;
    }
    const QByteArray all = chunks.join();
    QCOMPARE(bodyBytes, all.size() - (all.indexOf("\r\n\r\n") + 4));
    client.stop();
}

void tst_ClientsAgainstRawServer::refusedStreams_data() {
    QTest::addColumn<QByteArray>("response");
    QTest::addColumn<QString>("reason");

    QTest::newRow("404") << QByteArray(
                                "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n"
                                "Content-Length: 24\r\n\r\n{\"error\": \"No such URL\"}")
                         << u"HTTP 404"_qs;
    QTest::newRow("204") << QByteArray("HTTP/1.1 204 No Content\r\n\r\n") << u"HTTP 204"_qs;
    QTest::newRow("text/html") << QByteArray("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                                             "Content-Length: 13\r\n\r\n<html></html>")
                               << u"text/html"_qs;
    QTest::newRow("no content type")
        << QByteArray("HTTP/1.1 200 OK\r\n\r\ndata: x\n\n") << u"(none)"_qs;
    QTest::newRow("500") << QByteArray(
                                "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n")
                         << u"HTTP 500"_qs;
}

void tst_ClientsAgainstRawServer::refusedStreams() {
    QFETCH(QByteArray, response);
    QFETCH(QString, reason);
    ScriptedServer server;
    server.chunks = {response};
    QVERIFY(server.listen());
    SseClient client;
    client.setStreamUrl(server.url(QStringLiteral("/events")));
    client.setReconnectDelayOverrideMs(50);
    QList<TrafficEvent> events;
    connect(&client, &PatternClient::trafficEvent, this,
            [&events](const TrafficEvent &e) { events.append(e); });
    QSignalSpy running(&client, &PatternClient::runningChanged);
    client.start();
    QTRY_VERIFY_WITH_TIMEOUT(!client.isRunning(), 10000);
    QCOMPARE(running.size(), 2);
    QCOMPARE(events.last().kind, TrafficEvent::Kind::Stopped);
    QVERIFY2(events.last().detail.contains(reason), qPrintable(events.last().detail));
    QCOMPARE(countOf(events, TrafficEvent::Kind::ReconnectScheduled), 0);
    QCOMPARE(countOf(events, TrafficEvent::Kind::StreamOpened), 0);
    QCOMPARE(countOf(events, TrafficEvent::Kind::EventReceived), 0);
    QCOMPARE(server.requests.size(), 1);
}

void tst_ClientsAgainstRawServer::reconnectsWithLastEventIdAfterTheServersRetry() {
    ScriptedServer server;
    server.chunks = {streamHead, "retry: 150\nid: 7\ndata: x\n\n", "id: 8\ndata: unfinished"};
    QVERIFY(server.listen());
    SseClient client;
    client.setStreamUrl(server.url(QStringLiteral("/s")));
    QList<TrafficEvent> events;
    connect(&client, &PatternClient::trafficEvent, this,
            [&events](const TrafficEvent &e) { events.append(e); });
    client.start();
    QTRY_VERIFY_WITH_TIMEOUT(server.requests.size() >= 2, 10000);
    client.stop();
    QCOMPARE(server.header(0, "last-event-id"), QByteArray());
    // The unfinished event's id never took effect.
    QCOMPARE(server.header(1, "last-event-id"), QByteArray("7"));
    const auto reconnect = std::find_if(events.cbegin(), events.cend(), [](const TrafficEvent &e) {
        return e.kind == TrafficEvent::Kind::ReconnectScheduled;
    });
    QVERIFY(reconnect != events.cend());
    QCOMPARE(reconnect->delayMs, 150);
    QCOMPARE(reconnect->lastEventId, u"7"_qs);
    QCOMPARE(client.reconnectDelayMs(), 150);
    QVERIFY(server.header(0, "user-agent").startsWith("PushLab/"));
}

void tst_ClientsAgainstRawServer::silenceMeansADeadConnection() {
    ScriptedServer server;
    server.chunks = {streamHead, ": hello\n\n"};
    server.holdOpen = true; // then nothing, forever
    QVERIFY(server.listen());
    SseClient client;
    client.setStreamUrl(server.url(QStringLiteral("/quiet")));
    client.setSilenceTimeoutMs(300);
    client.setReconnectDelayOverrideMs(60000);
    QList<TrafficEvent> events;
    connect(&client, &PatternClient::trafficEvent, this,
            [&events](const TrafficEvent &e) { events.append(e); });
    client.start();
    QTRY_COMPARE_WITH_TIMEOUT(countOf(events, TrafficEvent::Kind::ReconnectScheduled), 1, 10000);
    QCOMPARE(countOf(events, TrafficEvent::Kind::Error), 1);
    const auto error = std::find_if(events.cbegin(), events.cend(), [](const TrafficEvent &e) {
        return e.kind == TrafficEvent::Kind::Error;
    });
    QVERIFY2(error->detail.contains(QLatin1String("no data")), qPrintable(error->detail));
    QVERIFY(client.isRunning());
    client.stop();
}

// Scaled down: a client that presumes 100 ms heartbeats (where a real one presumes the contract's
// 15 s) stands for one that would drop an idle stream of `pushlab --heartbeat 60` after 45 s.
void tst_ClientsAgainstRawServer::silenceLimitFollowsTheAnnouncedHeartbeat_data() {
    QTest::addColumn<QByteArray>("announced"); // X-Heartbeat-Interval, none if empty
    QTest::addColumn<int>("assumedHeartbeatMs");
    QTest::addColumn<int>("explicitLimitMs"); // setSilenceTimeoutMs, none if 0
    QTest::addColumn<int>("expectedLimitMs");

    QTest::newRow("a long announced heartbeat outlasts the presumed one")
        << QByteArray("1000") << 100 << 0 << 3000;
    QTest::newRow("a short announced heartbeat drops a silent stream soon")
        << QByteArray("100") << PushLab::Wire::heartbeatDefaultMs << 0 << 300;
    QTest::newRow("no announcement: the presumed heartbeat") << QByteArray() << 100 << 0 << 300;
    QTest::newRow("an unreadable announcement: the presumed heartbeat")
        << QByteArray("soon") << 100 << 0 << 300;
    QTest::newRow("an announcement below the contract's minimum is raised to it")
        << QByteArray("10") << 1000 << 0 << PushLab::Wire::heartbeatMinMs * 3;
    QTest::newRow("an explicit limit wins over the announcement")
        << QByteArray("60000") << 100 << 400 << 400;
}

void tst_ClientsAgainstRawServer::silenceLimitFollowsTheAnnouncedHeartbeat() {
    QFETCH(QByteArray, announced);
    QFETCH(int, assumedHeartbeatMs);
    QFETCH(int, explicitLimitMs);
    QFETCH(int, expectedLimitMs);
    QCOMPARE(PushLab::Wire::missedHeartbeatsBeforeDead, 3); // the rows' arithmetic

    ScriptedServer server;
    QByteArray head = streamHead;
    if (!announced.isEmpty())
        head.insert(head.size() - 2, "X-Heartbeat-Interval: " + announced + "\r\n");
    server.chunks = {head, ": hello\n\n"};
    server.holdOpen = true; // then nothing, forever
    QVERIFY(server.listen());
    SseClient client;
    client.setStreamUrl(server.url(QStringLiteral("/quiet")));
    client.setAssumedHeartbeatMs(assumedHeartbeatMs);
    client.setSilenceTimeoutMs(explicitLimitMs);
    // The limit also bounds a connection attempt; on a loaded machine an attempt can outlast
    // the shortest rows' 300 ms ("no answer within"), and the client then tries again. What is
    // checked is the first stream that opened, and how it ended.
    client.setReconnectDelayOverrideMs(50);
    QList<TrafficEvent> events;
    connect(&client, &PatternClient::trafficEvent, this,
            [&events](const TrafficEvent &e) { events.append(e); });
    client.start();
    const auto after = [&events](qsizetype from, TrafficEvent::Kind kind) {
        for (qsizetype i = qMax<qsizetype>(from, 0); i < events.size(); ++i) {
            if (events.at(i).kind == kind)
                return i;
        }
        return qsizetype(-1);
    };
    const auto opened = [&] {
        return after(0, TrafficEvent::Kind::StreamOpened);
    };
    QTRY_VERIFY_WITH_TIMEOUT(opened() >= 0 && after(opened(), TrafficEvent::Kind::Error) >= 0,
                             expectedLimitMs + 20000);
    const TrafficEvent open = events.at(opened());
    const TrafficEvent error = events.at(after(opened(), TrafficEvent::Kind::Error));
    QVERIFY2(error.detail.contains(QStringLiteral("no data for %1 ms").arg(expectedLimitMs)),
             qPrintable(error.detail));
    // Not dropped before the limit: the last byte came right after the stream opened. (A coarse
    // timer may fire up to 5 % early.)
    const qint64 silentMs = (error.timeUs - open.timeUs) / 1000;
    QVERIFY2(silentMs >= expectedLimitMs * 9 / 10, qPrintable(QString::number(silentMs)));
    QVERIFY(client.isRunning());
    client.stop();
}

void tst_ClientsAgainstRawServer::anyEventStreamUrl() {
    // The seed demo's stream: `id: N` and plain-text data, no JSON: events without messages.
    ScriptedServer server;
    server.chunks = {streamHead, "id: 1\ndata: hello world\n\n"};
    QVERIFY(server.listen());
    SseClient client;
    client.setBaseUrl(QUrl(QStringLiteral("http://127.0.0.1:1"))); // ignored: the stream URL wins
    client.setStreamUrl(server.url(QStringLiteral("/events?x=1")));
    client.setReconnectDelayOverrideMs(60000);
    QList<TrafficEvent> events;
    LatencyStats stats;
    connect(&client, &PatternClient::trafficEvent, this, [&](const TrafficEvent &e) {
        events.append(e);
        stats.add(e);
    });
    client.start();
    QTRY_COMPARE_WITH_TIMEOUT(countOf(events, TrafficEvent::Kind::EventReceived), 1, 10000);
    QVERIFY(server.requests.first().startsWith("GET /events?x=1 HTTP/1.1"));
    QCOMPARE(receivedEvents(events), (Events{{u"message"_qs, u"hello world"_qs, u"1"_qs}}));
    QCOMPARE(stats.total().messages, 0);
    client.stop();
}

void tst_ClientsAgainstRawServer::pollersStopOnNonPushLabAnswers_data() {
    QTest::addColumn<PushLab::Pattern>("pattern");
    QTest::addColumn<QByteArray>("response");
    const QByteArray html("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 13\r\n\r\n"
                          "<html></html>");
    const QByteArray notFound("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
    const QByteArray wrongJson("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                               "Content-Length: 11\r\n\r\n{\"ok\":true}");
    for (PushLab::Pattern p : {PushLab::Pattern::ShortPoll, PushLab::Pattern::LongPoll}) {
        const QString key = PushLab::patternKey(p);
        QTest::addRow("%s html", qPrintable(key)) << p << html;
        QTest::addRow("%s 404", qPrintable(key)) << p << notFound;
        QTest::addRow("%s other JSON", qPrintable(key)) << p << wrongJson;
    }
}

void tst_ClientsAgainstRawServer::pollersStopOnNonPushLabAnswers() {
    QFETCH(PushLab::Pattern, pattern);
    QFETCH(QByteArray, response);
    ScriptedServer server;
    server.chunks = {response};
    QVERIFY(server.listen());
    std::unique_ptr<PatternClient> client;
    if (pattern == PushLab::Pattern::ShortPoll)
        client = std::make_unique<ShortPollClient>();
    else
        client = std::make_unique<LongPollClient>();
    client->setBaseUrl(server.url());
    QList<TrafficEvent> events;
    connect(client.get(), &PatternClient::trafficEvent, this,
            [&events](const TrafficEvent &e) { events.append(e); });
    client->start();
    QTRY_VERIFY_WITH_TIMEOUT(!client->isRunning(), 10000);
    QCOMPARE(events.last().kind, TrafficEvent::Kind::Stopped);
    QVERIFY2(events.last().detail.startsWith(QLatin1String("not a PushLab server")),
             qPrintable(events.last().detail));
    QCOMPARE(countOf(events, TrafficEvent::Kind::Error), 1);
    QCOMPARE(server.requests.size(), 1);
}

void tst_ClientsAgainstRawServer::longPollBacksOffOnServerErrors() {
    ScriptedServer server;
    server.chunks = {"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                     "Content-Length: 18\r\n\r\n{\"error\": \"busy\"}\n"};
    QVERIFY(server.listen());
    LongPollClient client;
    client.setBaseUrl(server.url());
    QList<TrafficEvent> events;
    connect(&client, &PatternClient::trafficEvent, this,
            [&events](const TrafficEvent &e) { events.append(e); });
    client.start();
    QTRY_VERIFY_WITH_TIMEOUT(countOf(events, TrafficEvent::Kind::ReconnectScheduled) >= 3, 10000);
    client.stop();
    QList<qint64> delays;
    for (const TrafficEvent &e : events) {
        if (e.kind == TrafficEvent::Kind::ReconnectScheduled)
            delays.append(e.delayMs);
    }
    QCOMPARE(delays.mid(0, 3), (QList<qint64>{250, 500, 1000}));
    const auto error = std::find_if(events.cbegin(), events.cend(), [](const TrafficEvent &e) {
        return e.kind == TrafficEvent::Kind::Error;
    });
    QCOMPARE(error->detail, u"busy"_qs);
    QCOMPARE(error->status, 503);
}

QTEST_GUILESS_MAIN(tst_ClientsAgainstRawServer)
#include "tst_clientsagainstrawserver.moc"
