// --redis URLs: what is understood, and the one-line refusal of what is not.

#include "redisaddress.h"

#include <QtTest/QtTest>

using namespace Qt::StringLiterals;

class TestRedisAddress : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void parses_data();
    void parses();
    void refuses_data();
    void refuses();
    void displayHidesThePassword();
};

void TestRedisAddress::parses_data() {
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<int>("db");
    QTest::addColumn<QString>("username");
    QTest::addColumn<QString>("password");
    QTest::newRow("everything given")
        << u"redis://127.0.0.1:6380/2"_s << u"127.0.0.1"_s << 6380 << 2 << QString() << QString();
    QTest::newRow("default port and database")
        << u"redis://localhost"_s << u"localhost"_s << 6379 << 0 << QString() << QString();
    QTest::newRow("trailing slash")
        << u"redis://10.0.0.5/"_s << u"10.0.0.5"_s << 6379 << 0 << QString() << QString();
    QTest::newRow("password") << u"redis://:s%40cret@127.0.0.1:6379/0"_s << u"127.0.0.1"_s << 6379
                              << 0 << QString() << u"s@cret"_s;
    QTest::newRow("ACL user") << u"redis://pushlab:pw@127.0.0.1/1"_s << u"127.0.0.1"_s << 6379 << 1
                              << u"pushlab"_s << u"pw"_s;
}

void TestRedisAddress::parses() {
    QFETCH(QString, url);
    QString error;
    const auto address = RedisAddress::parse(url, &error);
    QVERIFY2(address, qPrintable(error));
    QTEST(address->host, "host");
    QTEST(int(address->port), "port");
    QTEST(address->db, "db");
    QTEST(address->username, "username");
    QTEST(address->password, "password");
}

void TestRedisAddress::refuses_data() {
    QTest::addColumn<QString>("url");
    QTest::newRow("another scheme") << u"http://127.0.0.1:6379/"_s;
    QTest::newRow("no scheme") << u"127.0.0.1:6379"_s;
    QTest::newRow("no host") << u"redis:///0"_s;
    QTest::newRow("database not a number") << u"redis://127.0.0.1/zero"_s;
    QTest::newRow("database with a sign") << u"redis://127.0.0.1/+1"_s;
    QTest::newRow("port too big") << u"redis://127.0.0.1:70000/0"_s;
    QTest::newRow("a query") << u"redis://127.0.0.1/0?timeout=1"_s;
    QTest::newRow("a user without a password") << u"redis://pushlab@127.0.0.1/0"_s;
}

void TestRedisAddress::refuses() {
    QFETCH(QString, url);
    QString error;
    QVERIFY(!RedisAddress::parse(url, &error));
    QVERIFY(error.contains(url));
    QCOMPARE(error.count(u'\n'), 0);
}

void TestRedisAddress::displayHidesThePassword() {
    const auto address = RedisAddress::parse(u"redis://:hunter2@127.0.0.1:6379/3"_s, nullptr);
    QVERIFY(address);
    QCOMPARE(address->display(), u"redis://127.0.0.1:6379/3"_s);
}

QTEST_GUILESS_MAIN(TestRedisAddress)
#include "tst_redisaddress.moc"
