// RouteTable and PublishRequest: which method each route takes, and what a publish asks for.
#include "publishrequest.h"
#include "routetable.h"

#include <QtTest/QTest>

using Method = RequestInfo::Method;
Q_DECLARE_METATYPE(Route)
Q_DECLARE_METATYPE(RequestInfo::Method)

class TestRouteTable final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void routesAndMethods_data();
    void routesAndMethods();
    void preflightAndWrongMethod();
    void fastPathsArePollsAndStreams();
    void publishTakesTextOrJson_data();
    void publishTakesTextOrJson();
    void publishFromAnotherOriginIsRefused();
};

void TestRouteTable::routesAndMethods_data() {
    QTest::addColumn<QString>("path");
    QTest::addColumn<Route>("route");
    QTest::addColumn<QByteArray>("allow");
    QTest::newRow("messages") << QStringLiteral("/api/messages") << Route::Messages
                              << QByteArray("GET, POST, OPTIONS");
    QTest::newRow("wait") << QStringLiteral("/api/messages/wait") << Route::Wait
                          << QByteArray("GET, OPTIONS");
    QTest::newRow("events") << QStringLiteral("/api/events") << Route::Events
                            << QByteArray("GET, OPTIONS");
    QTest::newRow("stats") << QStringLiteral("/api/stats") << Route::Stats
                           << QByteArray("GET, OPTIONS");
    QTest::newRow("close") << QStringLiteral("/api/streams/close") << Route::CloseStreams
                           << QByteArray("POST, OPTIONS");
    QTest::newRow("seed get") << QStringLiteral("/getmessage") << Route::SeedGet
                              << QByteArray("GET, OPTIONS");
    QTest::newRow("seed update") << QStringLiteral("/updatemessage") << Route::SeedUpdate
                                 << QByteArray("GET, OPTIONS");
    QTest::newRow("seed events") << QStringLiteral("/events") << Route::SeedEvents
                                 << QByteArray("GET, OPTIONS");
    QTest::newRow("a file") << QStringLiteral("/index.html") << Route::None
                            << QByteArray("OPTIONS");
    QTest::newRow("a trailing slash")
        << QStringLiteral("/api/events/") << Route::None << QByteArray("OPTIONS");
}

void TestRouteTable::routesAndMethods() {
    QFETCH(QString, path);
    QFETCH(Route, route);
    QFETCH(QByteArray, allow);
    QCOMPARE(RouteTable::find(path), route);
    QCOMPARE(RouteTable::allowHeader(route), allow);
    QCOMPARE(RouteTable::allows(route, Method::Get), allow.contains("GET"));
    QCOMPARE(RouteTable::allows(route, Method::Post), allow.contains("POST"));
    QVERIFY(!RouteTable::allows(route, Method::Head)); // HEAD only ever on the page's files
    QVERIFY(!RouteTable::allows(route, Method::Other));
}

void TestRouteTable::preflightAndWrongMethod() {
    RequestInfo options;
    options.method = Method::Options;
    const auto preflight = RouteTable::answerForMethod(Route::Messages, options);
    QVERIFY(preflight);
    QCOMPARE(preflight->status(), 204);
    QVERIFY(
        preflight->toBytes().contains("\r\nAccess-Control-Allow-Methods: GET, POST, OPTIONS\r\n"));

    RequestInfo head;
    head.method = Method::Head;
    head.methodName = "HEAD";
    head.path = QStringLiteral("/api/stats");
    const auto refused = RouteTable::answerForMethod(Route::Stats, head);
    QVERIFY(refused);
    QCOMPARE(refused->status(), 405);
    QVERIFY(refused->toBytes().endsWith("\r\n\r\n")); // no body in a HEAD answer

    RequestInfo get;
    get.method = Method::Get;
    QVERIFY(!RouteTable::answerForMethod(Route::Stats, get)); // the handler answers
}

void TestRouteTable::fastPathsArePollsAndStreams() {
    QList<QByteArray> paths;
    for (QByteArrayView p : RouteTable::fastPaths())
        paths << p.toByteArray();
    QCOMPARE(paths, (QList<QByteArray>{"/api/messages", "/api/messages/wait", "/api/events",
                                       "/getmessage", "/events"}));
}

void TestRouteTable::publishTakesTextOrJson_data() {
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("text"); // published, when status is 0
    QTest::addColumn<int>("status");   // the error answer's, else 0
    QTest::newRow("plain text") << QByteArray("text/plain") << QByteArray("hello")
                                << QStringLiteral("hello") << 0;
    QTest::newRow("json") << QByteArray("application/json") << QByteArray("{\"text\":\"hi\"}")
                          << QStringLiteral("hi") << 0;
    QTest::newRow("json sniffed") << QByteArray() << QByteArray(" {\"text\":\"x\"}")
                                  << QStringLiteral("x") << 0;
    QTest::newRow("braces as text")
        << QByteArray("text/plain") << QByteArray("{not json") << QStringLiteral("{not json") << 0;
    QTest::newRow("bad json") << QByteArray("application/json") << QByteArray("{") << QString()
                              << 400;
    QTest::newRow("no text field")
        << QByteArray("application/json") << QByteArray("{\"t\":1}") << QString() << 400;
    QTest::newRow("empty") << QByteArray("text/plain") << QByteArray("  \n") << QString() << 400;
    QTest::newRow("bad utf-8") << QByteArray("text/plain") << QByteArray("\xff\xfe") << QString()
                               << 400;
    QTest::newRow("too long") << QByteArray("text/plain")
                              << QByteArray(PublishRequest::maxTextBytes + 1, 'x') << QString()
                              << 413;
}

void TestRouteTable::publishTakesTextOrJson() {
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, body);
    QFETCH(QString, text);
    QFETCH(int, status);
    RequestInfo info;
    info.method = Method::Post;
    info.contentType = contentType;
    info.body = body;
    const auto result = PublishRequest::fromBody(info);
    if (status == 0) {
        QVERIFY(std::holds_alternative<QString>(result));
        QCOMPARE(std::get<QString>(result), text);
    } else {
        QVERIFY(std::holds_alternative<HttpResponse>(result));
        QCOMPARE(std::get<HttpResponse>(result).status(), status);
        QVERIFY(std::get<HttpResponse>(result).toBytes().contains("{\"error\":"));
    }
}

void TestRouteTable::publishFromAnotherOriginIsRefused() {
    int published = 0;
    const auto publish = [&](const QString &text) {
        ++published;
        return Message::make(7, text, 1);
    };
    RequestInfo info;
    info.method = Method::Post;
    info.contentType = "text/plain";
    info.body = "x";
    info.host = "127.0.0.1:8050";
    info.origin = "http://evil.example";
    QCOMPARE(PublishRequest::answerPost(info, publish).status(), 403);
    QCOMPARE(published, 0);
    info.origin = "http://127.0.0.1:8050";
    QCOMPARE(PublishRequest::answerPost(info, publish).status(), 201);
    info.origin.clear(); // curl sends none
    QCOMPARE(PublishRequest::answerPost(info, publish).status(), 201);
    QCOMPARE(published, 2);
}

QTEST_GUILESS_MAIN(TestRouteTable)
#include "tst_routetable.moc"
