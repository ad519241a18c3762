// The server on its own thread: clean start and stop with clients connected.

#include "rawhttp.h"
#include "serverhost.h"

#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtTest/QtTest>

class TestServerHost : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void startsOnItsOwnThreadAndStopsWithOpenClients();
    void timersRunOnTheServersThread();
    void portInUseIsAnErrorNotACrash();
    void restartGivesNewIds();
};

void TestServerHost::timersRunOnTheServersThread() {
    // The loops are made on this thread and moved to their own: every timer they own must move
    // too, or heartbeats and long-poll deadlines never fire ("Timers cannot be started from
    // another thread").
    ServerConfig config;
    config.port = 0;
    config.heartbeatMs = 200;
    ServerHost host(config);
    QString error;
    QVERIFY2(host.start(&error), qPrintable(error));
    RawHttp stream(host.port());
    stream.get("/api/events");
    QVERIFY(stream.readUntil(": heartbeat\n\n", 5000).contains(": heartbeat"));
    RawHttp poll(host.port());
    poll.get("/api/messages/wait?timeout=1");
    QCOMPARE(poll.read(5000).status, 204);
}

void TestServerHost::startsOnItsOwnThreadAndStopsWithOpenClients() {
    ServerConfig config;
    config.port = 0;
    ServerHost host(config);
    QString error;
    QVERIFY2(host.start(&error), qPrintable(error));
    QVERIFY(host.port() != 0);
    QCOMPARE(host.url().toString(), QStringLiteral("http://127.0.0.1:%1/").arg(host.port()));

    RawHttp stream(host.port());
    stream.get("/api/events");
    QVERIFY(stream.readUntil("retry: 2000\n\n").contains("retry: 2000"));
    RawHttp poll(host.port());
    poll.get("/api/messages/wait?timeout=60");
    RawHttp publisher(host.port());
    publisher.post("/api/messages", "across threads");
    QCOMPARE(publisher.read().status, 201);
    QVERIFY(stream.readUntil("across threads").contains("\"text\":\"across threads\""));
    QCOMPARE(poll.read().status, 200);
    poll.get("/api/messages/wait?timeout=60"); // waiting again when the server stops

    host.stop(); // with a stream and a waiting poll open: no crash, no leak (ASan run)
    QVERIFY(!host.isRunning());
    QVERIFY(stream.waitForDisconnected());
    QVERIFY(poll.waitForDisconnected());
    host.stop(); // idempotent
}

void TestServerHost::portInUseIsAnErrorNotACrash() {
    ServerConfig config;
    config.port = 0;
    ServerHost first(config);
    QVERIFY(first.start());
    config.port = first.port();
    ServerHost second(config);
    QString error;
    QVERIFY(!second.start(&error));
    QVERIFY2(error.contains(QLatin1String("already in use")), qPrintable(error));
    QVERIFY(!second.isRunning());
}

void TestServerHost::restartGivesNewIds() {
    ServerConfig config;
    config.port = 0;
    quint64 firstRunId = 0;
    {
        ServerHost host(config);
        QVERIFY(host.start());
        RawHttp http(host.port());
        http.post("/api/messages", "run one");
        firstRunId = quint64(QJsonDocument::fromJson(http.read().body)
                                 .object()
                                 .value(QStringLiteral("id"))
                                 .toInteger());
        config.port = host.port();
    }
    ServerHost again(config);
    QVERIFY(again.start());
    RawHttp http(again.port());
    http.post("/api/messages", "run two");
    const quint64 secondRunId = quint64(
        QJsonDocument::fromJson(http.read().body).object().value(QStringLiteral("id")).toInteger());
    QVERIFY(secondRunId > firstRunId); // never reused across restarts
    // A client resuming with the old id is told its history is gone.
    RawHttp resume(again.port());
    resume.get("/api/events", "Last-Event-ID: " + QByteArray::number(firstRunId) + "\r\n");
    QVERIFY(resume.readUntil("event: gap").contains("event: gap"));
}

QTEST_GUILESS_MAIN(TestServerHost)
#include "tst_serverhost.moc"
