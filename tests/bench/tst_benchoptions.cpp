#include <benchoptions.h>

#include <QtTest/QTest>

using PushLab::Pattern;
using PushLab::Bench::BenchOptions;

class TestBenchOptions : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void defaultsTargetPushLab() {
        const auto r = BenchOptions::parse(
            {QStringLiteral("pushlab-cli"), QStringLiteral("--pattern"), QStringLiteral("long"),
             QStringLiteral("--server"), QStringLiteral("http://127.0.0.1:9000")});
        QVERIFY2(r.options, qPrintable(r.error));
        QCOMPARE(r.options->pattern, Pattern::LongPoll);
        QCOMPARE(r.options->subscribeUrl,
                 QUrl(QStringLiteral("http://127.0.0.1:9000/api/messages/wait?timeout=60")));
        QCOMPARE(r.options->publishUrl, QUrl(QStringLiteral("http://127.0.0.1:9000/api/messages")));
        QCOMPARE(r.options->cursorUrl, QUrl(QStringLiteral("http://127.0.0.1:9000/api/messages")));
        QCOMPARE(r.options->clients, 100);
    }

    void peerUrls() {
        const auto r = BenchOptions::parse(
            {QStringLiteral("x"), QStringLiteral("--pattern=sse"),
             QStringLiteral("--clients=10000"),
             QStringLiteral("--subscribe-url=http://127.0.0.1:8093/sub?id=c"),
             QStringLiteral("--publish-url=http://localhost:8093/pub?id=c"),
             QStringLiteral("--server-pid=10,11,12"), QStringLiteral("--json")});
        QVERIFY2(r.options, qPrintable(r.error));
        QCOMPARE(r.options->clients, 10000);
        QVERIFY(r.options->cursorUrl.isEmpty());
        QCOMPARE(r.options->serverPids, (std::vector<int>{10, 11, 12}));
        QVERIFY(r.options->json);
    }

    void subscribeUrlsRepeatedSplitTheCrowd() {
        const auto r = BenchOptions::parse(
            {QStringLiteral("x"), QStringLiteral("--pattern=sse"),
             QStringLiteral("--subscribe-url=http://127.0.0.1:8051/api/events"),
             QStringLiteral("--subscribe-url=http://127.0.0.1:8052/api/events"),
             QStringLiteral("--publish-url=http://127.0.0.1:8052/api/messages")});
        QVERIFY2(r.options, qPrintable(r.error));
        QCOMPARE(r.options->subscribeUrl, QUrl(QStringLiteral("http://127.0.0.1:8051/api/events")));
        QCOMPARE(r.options->moreSubscribeUrls,
                 (std::vector<QUrl>{QUrl(QStringLiteral("http://127.0.0.1:8052/api/events"))}));
        const auto remote = BenchOptions::parse(
            {QStringLiteral("x"), QStringLiteral("--subscribe-url=http://127.0.0.1:8051/"),
             QStringLiteral("--subscribe-url=http://192.0.2.1:8052/")});
        QVERIFY(!remote.options);
        QVERIFY(remote.error.contains(QStringLiteral("192.0.2.1")));
    }

    void pollOnAnotherServerHasNoCursorUnlessAsked() {
        const auto r =
            BenchOptions::parse({QStringLiteral("x"), QStringLiteral("--pattern=short"),
                                 QStringLiteral("--subscribe-url=http://127.0.0.1:1/poll?id=c")});
        QVERIFY(r.options);
        QVERIFY(r.options->cursorUrl.isEmpty());
    }

    void getPublishNeedsPlaceholder() {
        const auto ok = BenchOptions::parse(
            {QStringLiteral("x"), QStringLiteral("--publish-method=get"),
             QStringLiteral("--publish-url=http://127.0.0.1:1/updatemessage?message={text}")});
        QVERIFY2(ok.options, qPrintable(ok.error));
        QCOMPARE(ok.options->publishMethod, BenchOptions::PublishMethod::Get);
    }

    void webSocketSubscribesToApiWsWithoutACursor() {
        const auto r =
            BenchOptions::parse({QStringLiteral("pushlab-bench"), QStringLiteral("--pattern=ws")});
        QVERIFY2(r.options, qPrintable(r.error));
        QCOMPARE(r.options->pattern, PushLab::Pattern::WebSocket);
        QCOMPARE(r.options->subscribeUrl.path(), QStringLiteral("/api/ws"));
        QVERIFY(r.options->cursorUrl.isEmpty()); // it starts at "now", as a stream does
    }

    void rejected_data() {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("unknown pattern")
            << QStringList{QStringLiteral("--pattern=mqtt")} << QStringLiteral("--pattern");
        QTest::newRow("negative clients")
            << QStringList{QStringLiteral("--clients=-1")} << QStringLiteral("--clients");
        QTest::newRow("negative idle")
            << QStringList{QStringLiteral("--idle=-1")} << QStringLiteral("--idle");
        QTest::newRow("zero rate")
            << QStringList{QStringLiteral("--rate=0")} << QStringLiteral("--rate");
        QTest::newRow("remote host")
            << QStringList{QStringLiteral("--subscribe-url=http://192.168.1.2/api/events")}
            << QStringLiteral("this machine");
        QTest::newRow("https") << QStringList{QStringLiteral("--server=https://127.0.0.1")}
                               << QStringLiteral("this machine");
        QTest::newRow("GET publish without placeholder")
            << QStringList{QStringLiteral("--publish-method=GET")} << QStringLiteral("{text}");
        QTest::newRow("unknown method")
            << QStringList{QStringLiteral("--publish-method=PUT")} << QStringLiteral("POST or GET");
        QTest::newRow("bad pid") << QStringList{QStringLiteral("--server-pid=abc")}
                                 << QStringLiteral("--server-pid");
        QTest::newRow("too many deliveries")
            << QStringList{QStringLiteral("--clients=50000"), QStringLiteral("--messages=5000")}
            << QStringLiteral("50 million");
        QTest::newRow("no publisher connections")
            << QStringList{QStringLiteral("--publish-connections=0")}
            << QStringLiteral("--publish-connections");
        QTest::newRow("unknown option")
            << QStringList{QStringLiteral("--bogus")} << QStringLiteral("bogus");
        QTest::newRow("stray argument")
            << QStringList{QStringLiteral("extra")} << QStringLiteral("extra");
    }

    void rejected() {
        QFETCH(QStringList, arguments);
        QFETCH(QString, mentions);
        arguments.prepend(QStringLiteral("pushlab-cli"));
        const auto r = BenchOptions::parse(arguments);
        QVERIFY(!r.options);
        QVERIFY2(r.error.contains(mentions), qPrintable(r.error));
    }

    void publishConnections() {
        const auto one = BenchOptions::parse({QStringLiteral("x")});
        QCOMPARE(one.options->publishConnections, 1); // as before: one at a time
        const auto eight =
            BenchOptions::parse({QStringLiteral("x"), QStringLiteral("--publish-connections=8")});
        QVERIFY2(eight.options, qPrintable(eight.error));
        QCOMPARE(eight.options->publishConnections, 8);
    }

    void help() {
        const auto r = BenchOptions::parse({QStringLiteral("x"), QStringLiteral("--help")});
        QVERIFY(r.help);
        QVERIFY(r.helpText.contains(QStringLiteral("--subscribe-url")));
    }
};

QTEST_APPLESS_MAIN(TestBenchOptions)
#include "tst_benchoptions.moc"
