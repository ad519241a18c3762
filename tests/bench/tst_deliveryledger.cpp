#include <deliveryledger.h>

#include <QtTest/QTest>

using PushLab::Bench::DeliveryLedger;

class TestDeliveryLedger : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void everyoneReceivesEverything() {
        DeliveryLedger ledger(3, 2);
        ledger.recordPublish(0, 1000);
        ledger.recordPublish(1, 2000);
        for (int client = 0; client < 3; ++client) {
            QCOMPARE(ledger.recordDelivery(client, 0, 1000 + 10 * (client + 1)),
                     DeliveryLedger::Outcome::Delivered);
            QCOMPARE(ledger.recordDelivery(client, 1, 2000 + 100 * (client + 1)),
                     DeliveryLedger::Outcome::Delivered);
        }
        QCOMPARE(ledger.expected(), 6);
        QCOMPARE(ledger.received(), 6);
        QCOMPARE(ledger.lost(), 0);
        QCOMPARE(ledger.reachedEveryone(), 2);
        const auto reached = ledger.reachedEveryoneLatency();
        QCOMPARE(reached.count, std::size_t(2));
        QCOMPARE(reached.max, 300); // message 1's last client got it 300 µs after sending
        QCOMPARE(ledger.deliveryLatency().max, 300);
        QCOMPARE(ledger.deliveryLatency().p50, 30);
    }

    void lossIsCountedAgainstEverySubscribedClient() {
        DeliveryLedger ledger(4, 3);
        ledger.setSubscribedClients(4);
        ledger.recordPublish(0, 0);
        ledger.recordPublish(1, 0);
        ledger.recordDelivery(0, 0, 5);
        ledger.recordDelivery(1, 0, 5);
        ledger.recordDelivery(2, 1, 5);
        QCOMPARE(ledger.published(), 2); // message 2 never published: not expected
        QCOMPARE(ledger.expected(), 8);
        QCOMPARE(ledger.received(), 3);
        QCOMPARE(ledger.lost(), 5);
        QCOMPARE(ledger.reachedEveryone(), 0);
        QCOMPARE(ledger.reachedEveryoneLatency().count, std::size_t(0));
    }

    void duplicatesAndStrangersAreNotDeliveries() {
        DeliveryLedger ledger(2, 2);
        ledger.recordPublish(0, 100);
        QCOMPARE(ledger.recordDelivery(0, 0, 150), DeliveryLedger::Outcome::Delivered);
        QCOMPARE(ledger.recordDelivery(0, 0, 160), DeliveryLedger::Outcome::Duplicate);
        QCOMPARE(ledger.recordDelivery(0, 1, 160), DeliveryLedger::Outcome::Unknown); // unpublished
        QCOMPARE(ledger.recordDelivery(0, 9, 160), DeliveryLedger::Outcome::Unknown);
        QCOMPARE(ledger.recordDelivery(5, 0, 160), DeliveryLedger::Outcome::Unknown);
        QCOMPARE(ledger.received(), 1);
        QCOMPARE(ledger.duplicates(), 1);
        QCOMPARE(ledger.unknown(), 3);
        QCOMPARE(ledger.lost(), 1);
    }

    void failedPublishIsNotExpected() {
        DeliveryLedger ledger(2, 2);
        ledger.recordPublish(0, 0);
        ledger.recordPublish(1, 0);
        ledger.cancelPublish(1);
        QCOMPARE(ledger.published(), 1);
        QCOMPARE(ledger.expected(), 2);
    }

    void latencyFromTheScheduleKeepsThePublishersWait() {
        // Message 0 due at 0 and sent at once; message 1 due at 1,000 µs but sent at 50,000
        // (the publisher waited for an answer). Both reach the one client 100 µs after sending.
        DeliveryLedger ledger(1, 2);
        ledger.recordPublish(0, 0, 0);
        ledger.recordPublish(1, 50'000, 1'000);
        ledger.recordDelivery(0, 0, 100);
        ledger.recordDelivery(0, 1, 50'100);
        QCOMPARE(ledger.deliveryLatency().max, 100);     // from the send: the wait is hidden
        QCOMPARE(ledger.scheduledLatency().max, 49'100); // from the schedule: it is not
        QCOMPARE(ledger.scheduledLatency().p50, 100);
        QCOMPARE(ledger.reachedEveryoneScheduledLatency().max, 49'100);
        QCOMPARE(ledger.sendDelay().max, 49'000);
        QCOMPARE(ledger.sentLate(10'000), 1);
        QCOMPARE(ledger.sentLate(49'000), 0);
        QCOMPARE(ledger.sentAfter(2'000), 1); // the schedule ended at 2,000 µs
    }

    void aPublishWithoutAScheduleIsDueWhenSent() {
        DeliveryLedger ledger(1, 1);
        ledger.recordPublish(0, 500);
        ledger.recordDelivery(0, 0, 800);
        QCOMPARE(ledger.scheduledLatency().max, 300);
        QCOMPARE(ledger.sendDelay().max, 0);
        ledger.cancelPublish(0);
        QCOMPARE(ledger.sentLate(-1), 0); // a failed publish is not counted as sent
    }

    void clientsThatNeverConnectedAreNotExpected() {
        DeliveryLedger ledger(10, 1);
        ledger.setSubscribedClients(7);
        ledger.recordPublish(0, 0);
        QCOMPARE(ledger.expected(), 7);
    }
};

QTEST_APPLESS_MAIN(TestDeliveryLedger)
#include "tst_deliveryledger.moc"
