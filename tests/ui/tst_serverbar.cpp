// The server bar on its own, fed made-up /api/stats answers: what it says about the server's
// threads, a crowd, and the connections beyond the clients it lists.
#include "serverbar.h"
#include "serverstats.h"

#include <QtTest/QTest>

using PushLab::Pattern;

class TestServerBar final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void serverBarNamesTheServerThreads();
    void serverBarCountsACrowdFromTheServersTotals();
};

void TestServerBar::serverBarNamesTheServerThreads() {
    ServerBar bar;
    ServerStats stats;
    stats.messagesPublished = 3;
    stats.connections = 4;
    for (Pattern p :
         {Pattern::LongPoll, Pattern::ServerSentEvents, Pattern::WebSocket, Pattern::ShortPoll}) {
        ServerStats::Peer peer;
        peer.pattern = p;
        peer.userAgent = QStringLiteral("PushLab/1");
        stats.peers.append(peer);
    }
    stats.peersTotal = stats.peers.size();
    stats.connectionsPerThread = {3, 1};
    bar.setStats(stats);
    QCOMPARE(bar.countersText(), QStringLiteral("3 published · 4 connections · 2 threads"));
    stats.connectionsPerThread = {4}; // one thread, or a server that does not say
    bar.setStats(stats);
    QCOMPARE(bar.countersText(), QStringLiteral("3 published · 4 connections"));
    // Two more than the bar lists: it says what they are (one is always the stats request that
    // brought the figures), not just a number that does not add up.
    stats.connections = 6;
    bar.setStats(stats);
    QVERIFY2(bar.countersText().startsWith(QStringLiteral("3 published · 6 connections ")),
             qPrintable(bar.countersText()));
    QVERIFY2(bar.countersText().contains(QStringLiteral("(4 clients + 2 other)")),
             qPrintable(bar.countersText()));
    stats.connections = 5;
    bar.setStats(stats);
    QVERIFY2(bar.countersText().contains(QStringLiteral("(4 clients + stats)")),
             qPrintable(bar.countersText()));
    QVERIFY(bar.countersToolTip().contains(QStringLiteral("/api/stats")));
}

void TestServerBar::serverBarCountsACrowdFromTheServersTotals() {
    // 2,001 streams, of which the server listed 2: the bar shows the server's totals, not a
    // count of the listed peers, and says how many it could name.
    ServerBar bar;
    ServerStats stats;
    stats.patterns[Pattern::ServerSentEvents].open = 2001;
    stats.patterns[Pattern::LongPoll].open = 1;
    stats.peersTotal = 2002;
    for (int i = 0; i < 2; ++i) {
        ServerStats::Peer peer;
        peer.address = QStringLiteral("127.0.0.1");
        peer.port = quint16(40000 + i);
        peer.pattern = Pattern::ServerSentEvents;
        peer.userAgent = QStringLiteral("pushlab-bench");
        stats.peers.append(peer);
    }
    bar.setStats(stats);
    const QString text = bar.peersText();
    const QLocale locale; // numbers are grouped as the user's locale does it
    QVERIFY2(text.contains(QStringLiteral("SSE <b>%1</b>").arg(locale.toString(2001))),
             qPrintable(text));
    QVERIFY2(text.contains(QLatin1String("Long poll <b>1</b>")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("· %1 clients").arg(locale.toString(2002))),
             qPrintable(text));
    QVERIFY2(bar.peersToolTip().startsWith(
                 QStringLiteral("The server lists 2 of its %1 clients").arg(locale.toString(2002))),
             qPrintable(bar.peersToolTip()));
    QVERIFY2(!text.contains(QLatin1String("other")), qPrintable(text));

    // All listed: PushLab's own lanes are told apart from the rest, as before.
    stats.peersTotal = 2;
    bar.setStats(stats);
    QVERIFY2(bar.peersText().contains(QLatin1String("SSE <b>2</b> (2 other)")),
             qPrintable(bar.peersText()));
}

QTEST_MAIN(TestServerBar)
#include "tst_serverbar.moc"
