// TrafficEvent's kind names: the one spelling that watch --json and the window's export share.
#include "trafficevent.h"

#include <QtCore/QSet>
#include <QtTest/QTest>

using Kind = TrafficEvent::Kind;

class tst_TrafficEvent : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void kindKey_data();
    void kindKey();
    void kindKeysAreDistinct();
};

void tst_TrafficEvent::kindKey_data() {
    QTest::addColumn<Kind>("kind");
    QTest::addColumn<QString>("key");
    QTest::newRow("a request left") << Kind::RequestSent << QStringLiteral("request");
    QTest::newRow("an answer came") << Kind::ResponseReceived << QStringLiteral("response");
    QTest::newRow("a stream opened (as watch --json has always said)")
        << Kind::StreamOpened << QStringLiteral("open");
    QTest::newRow("an event came") << Kind::EventReceived << QStringLiteral("event");
    QTest::newRow("a retry is scheduled")
        << Kind::ReconnectScheduled << QStringLiteral("reconnect");
    QTest::newRow("an error") << Kind::Error << QStringLiteral("error");
    QTest::newRow("the client stopped") << Kind::Stopped << QStringLiteral("stopped");
    QTest::newRow("the network lab's link acted") << Kind::Link << QStringLiteral("link");
}

void tst_TrafficEvent::kindKey() {
    QFETCH(Kind, kind);
    QFETCH(QString, key);
    QCOMPARE(TrafficEvent::kindKey(kind), key);
}

void tst_TrafficEvent::kindKeysAreDistinct() {
    const QList<Kind> kinds{Kind::RequestSent,   Kind::ResponseReceived,   Kind::StreamOpened,
                            Kind::EventReceived, Kind::ReconnectScheduled, Kind::Error,
                            Kind::Stopped,       Kind::Link};
    QSet<QString> keys;
    for (Kind kind : kinds) {
        QVERIFY(!TrafficEvent::kindKey(kind).isEmpty());
        keys.insert(TrafficEvent::kindKey(kind));
    }
    QCOMPARE(keys.size(), kinds.size());
}

QTEST_GUILESS_MAIN(tst_TrafficEvent)
#include "tst_trafficevent.moc"
