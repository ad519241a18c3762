// The pattern set as data: allPatterns lists every value of the enum, in order, and a
// PatternMap is indexed by Pattern.
#include "pattern.h"

#include <QtCore/QMetaEnum>
#include <QtTest/QTest>

#include <set>

using PushLab::Pattern;

class TestPattern final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void allPatternsListsTheWholeEnum();
    void keysRoundTrip();
    void patternMapIsIndexedByPattern();
};

void TestPattern::allPatternsListsTheWholeEnum() {
    // A value added to the enum but not to allPatterns (and patternOrdinal, which then fails
    // to build under -Werror=switch) would be missing from every PatternMap: caught here.
    const QMetaEnum e = QMetaEnum::fromType<Pattern>();
    QCOMPARE(std::size_t(e.keyCount()), PushLab::patternCount);
    for (int i = 0; i < e.keyCount(); ++i) {
        const auto p = Pattern(e.value(i));
        QCOMPARE(PushLab::allPatterns[PushLab::patternOrdinal(p)], p);
    }
}

void TestPattern::keysRoundTrip() {
    std::set<QString> keys;
    std::set<QString> names;
    for (Pattern p : PushLab::allPatterns) {
        QCOMPARE(PushLab::patternFromKey(PushLab::patternKey(p)), std::optional<Pattern>(p));
        keys.insert(PushLab::patternKey(p));
        names.insert(PushLab::patternName(p));
    }
    QCOMPARE(keys.size(), PushLab::patternCount); // distinct, none empty
    QCOMPARE(names.size(), PushLab::patternCount);
    QVERIFY(!keys.count(QString()));
    QVERIFY(!PushLab::patternFromKey(u"websocket"));
}

void TestPattern::patternMapIsIndexedByPattern() {
    PushLab::PatternMap<int> map;
    for (int v : map)
        QCOMPARE(v, 0); // value-initialised
    map[Pattern::LongPoll] = 7;
    map[Pattern::ServerSentEvents] += 2;
    QCOMPARE(map[Pattern::ShortPoll], 0);
    QCOMPARE(map[Pattern::LongPoll], 7);
    QCOMPARE(map[Pattern::ServerSentEvents], 2);
    QList<Pattern> order;
    int sum = 0;
    map.forEach([&](Pattern p, int v) {
        order << p;
        sum += v;
    });
    QCOMPARE(order, QList<Pattern>(PushLab::allPatterns.begin(), PushLab::allPatterns.end()));
    QCOMPARE(sum, 9);
    PushLab::PatternMap<int> copy = map;
    QVERIFY(copy == map);
    copy[Pattern::ShortPoll] = 1;
    QVERIFY(copy != map);
}

QTEST_GUILESS_MAIN(TestPattern)
#include "tst_pattern.moc"
