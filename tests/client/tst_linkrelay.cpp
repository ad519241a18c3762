// The network lab's relay between the real clients and the real server, on loopback: it
// changes no byte, adds what its conditions say, drops, cuts and holds as a real link and real
// proxies do, and a client still ends with every message exactly once.
#include "linklab.h"
#include "linkrelay.h"
#include "longpollclient.h"
#include "recorder.h"
#include "shortpollclient.h"
#include "sseclient.h"

#include "../server/testserver.h"

#include <QtNetwork/QTcpSocket>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <memory>

using PushLab::Test::Recorder;

namespace {

QList<quint64> ids(const Recorder &r) {
    QList<quint64> out;
    for (const DeliveredMessage &m : r.messages)
        out.append(m.id);
    return out;
}

// One HTTP exchange on a raw socket: everything the server sent until it closed.
QByteArray exchange(quint16 port, const QByteArray &request) {
    QTcpSocket socket;
    socket.connectToHost(QStringLiteral("127.0.0.1"), port);
    if (!socket.waitForConnected(5000))
        return {};
    socket.write(request);
    QByteArray answer;
    QElapsedTimer timer;
    timer.start();
    while (socket.state() == QAbstractSocket::ConnectedState && timer.elapsed() < 10000) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20); // server and relay run here
        answer += socket.readAll();
    }
    return answer + socket.readAll();
}

} // namespace

class tst_LinkRelay final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void aTransparentRelayChangesNoByte();
    void latencyIsPaidEachWay();
    void aDropIsRecoveredWithNothingMissed_data();
    void aDropIsRecoveredWithNothingMissed();
    void idleProxyCutsOnlyASilentStream_data();
    void idleProxyCutsOnlyASilentStream();
    void bufferingProxyHoldsAStreamNotAPoll();
    void aServerThatIsGoneEndsTheClientsConnection();

private:
    void startRelay(const LinkConditions &conditions, quint16 upstreamPort = 0);
    QUrl relayUrl() const {
        return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_relay->port()));
    }
    void recordLink(Recorder *recorder);

    std::unique_ptr<PushServer> m_server;
    std::unique_ptr<LinkRelay> m_relay;
};

void tst_LinkRelay::init() {
    m_server = PushLab::Test::startServer();
    QVERIFY(m_server->port() != 0);
}

void tst_LinkRelay::cleanup() {
    m_relay.reset();
    m_server->shutdown();
    m_server.reset();
}

void tst_LinkRelay::startRelay(const LinkConditions &conditions, quint16 upstreamPort) {
    m_relay = std::make_unique<LinkRelay>();
    m_relay->setUpstream(QStringLiteral("127.0.0.1"),
                         upstreamPort ? upstreamPort : m_server->port());
    m_relay->setConditions(conditions);
    QVERIFY2(m_relay->listen(), qPrintable(m_relay->errorString()));
}

void tst_LinkRelay::recordLink(Recorder *recorder) {
    connect(m_relay.get(), &LinkRelay::linkEvent, recorder,
            [recorder](const QString &type, const QString &detail, qint64 stallMs) {
                recorder->add(
                    LinkLab::event(PushLab::Pattern::ServerSentEvents, type, detail, stallMs));
            });
}

void tst_LinkRelay::aTransparentRelayChangesNoByte() {
    startRelay(LinkConditions{});
    m_server->publish(QStringLiteral("through the relay"));
    const QByteArray request = "GET /api/messages?since=0 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                               "Connection: close\r\n\r\n";
    const QByteArray direct = exchange(m_server->port(), request);
    const QByteArray relayed = exchange(m_relay->port(), request);
    QVERIFY(direct.contains("through the relay"));
    QCOMPARE(relayed, direct);
}

void tst_LinkRelay::latencyIsPaidEachWay() {
    LinkConditions c;
    c.down.latencyMs = 120;
    c.up.latencyMs = 80;
    startRelay(c);
    SseClient sse;
    sse.setBaseUrl(relayUrl());
    Recorder stream(&sse);
    sse.start();
    QTRY_VERIFY_WITH_TIMEOUT(stream.count(TrafficEvent::Kind::StreamOpened) > 0, 10000);
    const Message published = m_server->publish(QStringLiteral("far away"));
    QTRY_COMPARE_WITH_TIMEOUT(stream.messages.size(), 1, 10000);
    // A push crosses the link once, down: at least the down latency after publish.
    const qint64 latencyUs = stream.events.last().timeUs - published.publishedAtUs;
    QVERIFY2(latencyUs >= 120'000, qPrintable(QString::number(latencyUs)));

    // A poll pays the handshake's round trip, then a round trip of its own.
    ShortPollClient poll;
    poll.setBaseUrl(relayUrl());
    Recorder polls(&poll);
    poll.start(); // answered at once
    QTRY_VERIFY_WITH_TIMEOUT(polls.count(TrafficEvent::Kind::ResponseReceived) > 0, 10000);
    const qint64 roundTripUs = polls.ofKind(TrafficEvent::Kind::ResponseReceived).first().timeUs -
                               polls.ofKind(TrafficEvent::Kind::RequestSent).first().timeUs;
    QVERIFY2(roundTripUs >= 2 * 200'000, qPrintable(QString::number(roundTripUs)));
}

void tst_LinkRelay::aDropIsRecoveredWithNothingMissed_data() {
    QTest::addColumn<LinkConditions::DropMode>("mode");
    QTest::newRow("reset (a vanished path)") << LinkConditions::DropMode::Reset;
    QTest::newRow("clean close (a proxy restarting)") << LinkConditions::DropMode::Close;
}

void tst_LinkRelay::aDropIsRecoveredWithNothingMissed() {
    QFETCH(LinkConditions::DropMode, mode);
    LinkConditions c;
    c.down.latencyMs = c.up.latencyMs = 20;
    startRelay(c);
    SseClient sse;
    sse.setReconnectDelayOverrideMs(100);
    LongPollClient poll;
    Recorder stream(&sse);
    Recorder polls(&poll);
    recordLink(&stream);
    for (PatternClient *client : std::initializer_list<PatternClient *>{&sse, &poll}) {
        client->setBaseUrl(relayUrl());
        client->start();
    }
    QTRY_VERIFY_WITH_TIMEOUT(m_server->openStreamCount() == 1 && m_server->waitingPollCount() == 1,
                             10000);
    const quint64 first = m_server->publish(QStringLiteral("before")).id;
    QTRY_VERIFY_WITH_TIMEOUT(stream.messages.size() == 1 && polls.messages.size() == 1, 10000);

    m_relay->dropNow(mode);
    QCOMPARE(m_relay->dropCount(), 1);
    const quint64 second = m_server->publish(QStringLiteral("while down")).id;
    QTRY_VERIFY_WITH_TIMEOUT(stream.messages.size() == 2 && polls.messages.size() == 2, 10000);
    QCOMPARE(ids(stream), (QList<quint64>{first, second}));
    QCOMPARE(ids(polls), (QList<quint64>{first, second}));
    QCOMPARE(stream.stats.total().reconnects, 1);
    QCOMPARE(stream.stats.total().linkDrops, 1);
    QCOMPARE(stream.stats.total().missing, 0);
}

void tst_LinkRelay::idleProxyCutsOnlyASilentStream_data() {
    QTest::addColumn<int>("heartbeatMs");
    QTest::addColumn<bool>("cut");
    QTest::newRow("a heartbeat shorter than the proxy's timeout keeps it") << 200 << false;
    QTest::newRow("no heartbeat in time: the proxy cuts it") << 3'600'000 << true;
}

void tst_LinkRelay::idleProxyCutsOnlyASilentStream() {
    QFETCH(int, heartbeatMs);
    QFETCH(bool, cut);
    ServerConfig config;
    config.heartbeatMs = heartbeatMs;
    m_server->shutdown();
    m_server = PushLab::Test::startServer(config);
    LinkConditions c;
    c.idleTimeoutSeconds = 1;
    startRelay(c);
    SseClient sse;
    sse.setReconnectDelayOverrideMs(100);
    sse.setBaseUrl(relayUrl());
    Recorder stream(&sse);
    recordLink(&stream);
    QSignalSpy linkEvents(m_relay.get(), &LinkRelay::linkEvent);
    sse.start();
    QTRY_VERIFY_WITH_TIMEOUT(stream.count(TrafficEvent::Kind::StreamOpened) > 0, 10000);
    // Twice the proxy's timeout: a silent stream is cut in it, a beating one is not.
    const bool anyEvent = linkEvents.wait(2000);
    QCOMPARE(anyEvent, cut);
    if (cut) {
        QCOMPARE(linkEvents.first().at(0).toString(), QLatin1String(LinkEventType::idleCut));
        QTRY_VERIFY_WITH_TIMEOUT(stream.count(TrafficEvent::Kind::StreamOpened) >= 2, 10000);
    }
    QCOMPARE(stream.stats.total().linkDrops, cut ? 1 : 0);
}

void tst_LinkRelay::bufferingProxyHoldsAStreamNotAPoll() {
    LinkConditions c;
    c.bufferingProxyKiB = 1;
    startRelay(c);
    SseClient sse;
    LongPollClient poll;
    Recorder stream(&sse);
    Recorder polls(&poll);
    QSignalSpy linkEvents(m_relay.get(), &LinkRelay::linkEvent);
    for (PatternClient *client : std::initializer_list<PatternClient *>{&sse, &poll}) {
        client->setBaseUrl(relayUrl());
        client->start();
    }
    QTRY_VERIFY_WITH_TIMEOUT(m_server->openStreamCount() == 1 && m_server->waitingPollCount() == 1,
                             10000);
    QTRY_VERIFY_WITH_TIMEOUT(!linkEvents.isEmpty(), 5000);
    QCOMPARE(linkEvents.first().at(0).toString(), QLatin1String(LinkEventType::proxyHold));

    QList<quint64> published{m_server->publish(QStringLiteral("first")).id};
    // The poll's answer ends, so the proxy passes it; the stream's head and event stay held.
    QTRY_COMPARE_WITH_TIMEOUT(polls.messages.size(), 1, 10000);
    QCOMPARE(stream.count(TrafficEvent::Kind::StreamOpened), 0);
    QCOMPARE(stream.messages.size(), 0);

    // More than the proxy holds: everything so far arrives at once, in order.
    while (published.size() < 12)
        published.append(m_server->publish(QStringLiteral("filler %1").arg(published.size())).id);
    QTRY_COMPARE_WITH_TIMEOUT(stream.messages.size(), published.size(), 10000);
    QCOMPARE(ids(stream), published);
    QCOMPARE(stream.count(TrafficEvent::Kind::StreamOpened), 1);
    // The buffer starts again: one more message is held while the poll has it.
    m_server->publish(QStringLiteral("held again"));
    QTRY_COMPARE_WITH_TIMEOUT(polls.messages.size(), published.size() + 1, 10000);
    QVERIFY(!QTest::qWaitFor([&] { return stream.messages.size() > published.size(); }, 300));
}

void tst_LinkRelay::aServerThatIsGoneEndsTheClientsConnection() {
    const quint16 gone = m_server->port();
    m_server->shutdown();
    startRelay(LinkConditions{}, gone);
    ShortPollClient client;
    client.setBaseUrl(relayUrl());
    Recorder recorder(&client);
    client.start();
    QTRY_VERIFY_WITH_TIMEOUT(recorder.count(TrafficEvent::Kind::Error) > 0, 10000);
    client.stop();
    // Nothing stays behind in the relay.
    QTRY_COMPARE_WITH_TIMEOUT(m_relay->connectionCount(), 0, 5000);
}

QTEST_GUILESS_MAIN(tst_LinkRelay)
#include "tst_linkrelay.moc"
