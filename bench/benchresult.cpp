#include "benchresult.h"

#include <QtCore/QJsonArray>
#include <QtCore/QLocale>

namespace PushLab::Bench {

using namespace Qt::StringLiterals;

namespace {

double ms(std::int64_t us) {
    return static_cast<double>(us) / 1000.0;
}

QJsonObject summaryJson(const DurationSummary &s) {
    return QJsonObject{{u"count"_s, static_cast<qint64>(s.count)},
                       {u"p50"_s, ms(s.p50)},
                       {u"p99"_s, ms(s.p99)},
                       {u"max"_s, ms(s.max)},
                       {u"mean"_s, s.mean / 1000.0}};
}

QString summaryText(const DurationSummary &s) {
    if (s.count == 0)
        return u"–"_s;
    return u"p50 %1 ms · p99 %2 ms · max %3 ms"_s.arg(QString::number(ms(s.p50), 'f', 1),
                                                      QString::number(ms(s.p99), 'f', 1),
                                                      QString::number(ms(s.max), 'f', 1));
}

} // namespace

QJsonObject BenchResult::toJson() const {
    QJsonObject o;
    o[u"pattern"_s] = pattern;
    o[u"subscribeUrl"_s] = subscribeUrl;
    o[u"publishUrl"_s] = publishUrl;
    QJsonObject clients{
        {u"requested"_s, clientsRequested},      {u"connected"_s, connected},
        {u"connectFailures"_s, connectFailures}, {u"dropped"_s, dropped},
        {u"reconnects"_s, reconnects},           {u"allConnected"_s, allConnected},
        {u"connectSeconds"_s, connectSeconds},   {u"connectMs"_s, summaryJson(connectLatency)}};
    if (!firstFailure.isEmpty())
        clients[u"firstFailure"_s] = firstFailure;
    if (!firstDrop.isEmpty())
        clients[u"firstDrop"_s] = firstDrop;
    o[u"clients"_s] = clients;
    o[u"messages"_s] = QJsonObject{{u"requested"_s, messagesRequested},
                                   {u"published"_s, published},
                                   {u"publishErrors"_s, publishErrors},
                                   {u"reachedEveryone"_s, reachedEveryone},
                                   {u"answered"_s, answered},
                                   {u"publishConnections"_s, publishConnections},
                                   {u"scheduleSeconds"_s, scheduleSeconds},
                                   {u"sentLate"_s, sentLate},
                                   {u"lateThresholdMs"_s, lateThresholdMs},
                                   {u"sentAfterSchedule"_s, sentAfterSchedule},
                                   {u"notSent"_s, notSent},
                                   {u"mostInFlight"_s, mostPublishesInFlight},
                                   {u"sendDelayMs"_s, summaryJson(sendDelay)}};
    o[u"deliveries"_s] = QJsonObject{{u"expected"_s, static_cast<qint64>(expected)},
                                     {u"received"_s, static_cast<qint64>(received)},
                                     {u"lost"_s, static_cast<qint64>(lost)},
                                     {u"duplicates"_s, static_cast<qint64>(duplicates)},
                                     {u"unknown"_s, static_cast<qint64>(unknown)}};
    o[u"latencyMs"_s] = summaryJson(latency);
    o[u"reachedEveryoneMs"_s] = summaryJson(reachedAll);
    o[u"latencyFromScheduleMs"_s] = summaryJson(latencyFromSchedule);
    o[u"reachedEveryoneFromScheduleMs"_s] = summaryJson(reachedAllFromSchedule);
    o[u"latencyBasis"_s] = QJsonObject{
        {u"latencyMs"_s, u"receive time - the time the publish request was sent"_s},
        {u"latencyFromScheduleMs"_s,
         u"receive time - the message's scheduled time (publish start + sequence / rate)"_s}};
    o[u"requests"_s] = QJsonObject{{u"total"_s, static_cast<qint64>(requests)},
                                   {u"publishPhase"_s, static_cast<qint64>(phaseRequests)},
                                   {u"phaseSeconds"_s, phaseSeconds},
                                   {u"perSecond"_s, requestsPerSecond},
                                   {u"httpErrors"_s, static_cast<qint64>(httpErrors)}};
    if (serverSampled) {
        QJsonArray pids;
        for (const int pid : serverPids)
            pids.append(pid);
        o[u"server"_s] = QJsonObject{{u"pids"_s, pids},
                                     {u"cpuConnectSeconds"_s, cpuConnectSeconds},
                                     {u"cpuPublishSeconds"_s, cpuPublishSeconds},
                                     {u"idleSeconds"_s, idleSeconds},
                                     {u"cpuIdleSeconds"_s, cpuIdleSeconds},
                                     {u"rssBeforeKiB"_s, static_cast<qint64>(rssBeforeKiB)},
                                     {u"rssConnectedKiB"_s, static_cast<qint64>(rssConnectedKiB)},
                                     {u"rssPerConnectionKiB"_s, rssPerConnectionKiB}};
    }
    o[u"benchCpuSeconds"_s] = benchCpuSeconds;
    o[u"elapsedSeconds"_s] = elapsedSeconds;
    o[u"timedOut"_s] = timedOut;
    if (!note.isEmpty())
        o[u"note"_s] = note;
    return o;
}

QString BenchResult::toText() const {
    const QLocale c = QLocale::c();
    auto n = [&](qint64 v) {
        return c.toString(v);
    };
    QString t;
    t += u"%1 bench: %2 clients on %3\n"_s.arg(pattern, n(clientsRequested), subscribeUrl);
    t += u"  connected        %1 / %2 in %3 s%4\n"_s.arg(
        n(connected), n(clientsRequested), QString::number(connectSeconds, 'f', 2),
        connectFailures > 0 ? u" (%1 failed: %2)"_s.arg(n(connectFailures), firstFailure)
                            : QString());
    if (connectLatency.count > 0)
        t += u"  each connection  %1\n"_s.arg(summaryText(connectLatency));
    if (dropped > 0 || reconnects > 0)
        t += u"  dropped          %1 streams closed by the server%2, %3 poll reconnects\n"_s.arg(
            n(dropped), dropped > 0 ? u" (first: %1)"_s.arg(firstDrop) : QString(), n(reconnects));
    t += u"  published        %1 / %2 to %3%4\n"_s.arg(
        n(published), n(messagesRequested), publishUrl,
        publishErrors > 0 ? u" (%1 errors)"_s.arg(n(publishErrors)) : QString());
    const double lossPercent =
        expected > 0 ? 100.0 * static_cast<double>(lost) / static_cast<double>(expected) : 0.0;
    t += u"  deliveries       %1 / %2 received, %3 lost (%4 %)%5\n"_s.arg(
        n(received), n(expected), n(lost), QString::number(lossPercent, 'f', 2),
        duplicates > 0 ? u", %1 duplicates"_s.arg(n(duplicates)) : QString());
    t +=
        u"  schedule         %1 due over %2 s, %3 publish connection(s): %4 answered, %5 sent "
        "over %6 ms late, %7 after the schedule ended, %8 never sent; at most %9 in flight\n"_s.arg(
            n(messagesRequested), QString::number(scheduleSeconds, 'f', 1), n(publishConnections),
            n(answered), n(sentLate), n(lateThresholdMs), n(sentAfterSchedule), n(notSent),
            n(mostPublishesInFlight));
    t += u"  send delay       %1 (sent − scheduled)\n"_s.arg(summaryText(sendDelay));
    t += u"  latency          %1 (from the publish request sent)\n"_s.arg(summaryText(latency));
    t += u"  from schedule    %1 (from the message's scheduled time)\n"_s.arg(
        summaryText(latencyFromSchedule));
    t += u"  reached everyone %1 / %2 messages: %3 (from sent); %4 (from schedule)\n"_s.arg(
        n(reachedEveryone), n(published), summaryText(reachedAll),
        summaryText(reachedAllFromSchedule));
    t += u"  requests         %1 (%2 /s over %3 s of publishing)%4\n"_s.arg(
        n(requests), c.toString(requestsPerSecond, 'f', 0), QString::number(phaseSeconds, 'f', 1),
        httpErrors > 0 ? u", %1 unexpected answers"_s.arg(n(httpErrors)) : QString());
    if (serverSampled) {
        t += u"  server           CPU %1 s connecting, %2 s publishing; RSS %3 → %4 MiB "
             "(%5 KiB per connection)\n"_s.arg(
                 QString::number(cpuConnectSeconds, 'f', 2),
                 QString::number(cpuPublishSeconds, 'f', 2),
                 QString::number(static_cast<double>(rssBeforeKiB) / 1024.0, 'f', 1),
                 QString::number(static_cast<double>(rssConnectedKiB) / 1024.0, 'f', 1),
                 QString::number(rssPerConnectionKiB, 'f', 1));
    }
    if (serverSampled && idleSeconds > 0)
        t +=
            u"  idle             server CPU %1 s in %2 s with every client held, nothing published\n"_s
                .arg(QString::number(cpuIdleSeconds, 'f', 3), QString::number(idleSeconds, 'f', 1));
    t += u"  elapsed          %1 s, load generator CPU %2 s%3\n"_s.arg(
        QString::number(elapsedSeconds, 'f', 1), QString::number(benchCpuSeconds, 'f', 2),
        timedOut ? u" (stopped by --duration-limit)"_s : QString());
    if (!note.isEmpty())
        t += u"  note             %1\n"_s.arg(note);
    return t;
}

} // namespace PushLab::Bench
