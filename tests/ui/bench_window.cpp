// bench_window: the window under auto-publish (default 100 messages/s) against the embedded
// server on its own thread, as `pushlab` runs it. Prints, every interval: lane paints and
// their cost, event-loop lag, resident memory and deliveries. Not a CTest test: it measures,
// it does not assert (the machine is shared and noisy).
//
//   QT_QPA_PLATFORM=offscreen bench_window [--seconds 60] [--rate 100] [--retention 300]
//                                          [--interval 5] [--screenshot FILE] [--threads N]
//                                          [--fanout-threads N]
#include "composer.h"
#include "laneview.h"
#include "mainwindow.h"
#include "messageracemodel.h"
#include "serverhost.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QElapsedTimer>
#include <QtCore/QFile>
#include <QtCore/QThread>
#include <QtCore/QTimer>
#include <QtWidgets/QApplication>

#include <algorithm>
#include <cstdio>
#include <malloc.h>
#include <vector>

using PushLab::Pattern;

namespace {

qint64 residentKiB() {
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    const QList<QByteArray> lines = status.readAll().split('\n');
    for (const QByteArray &line : lines) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

// Bytes malloc has handed out and not had back (every arena, small blocks and mmapped ones):
// beside RSS it tells memory in use from memory freed but kept by the allocator.
qint64 heapInUseKiB() {
    const struct mallinfo2 info = mallinfo2();
    return qint64((info.uordblks + info.hblkhd) / 1024);
}

} // namespace

int main(int argc, char *argv[]) {
    QApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("PushLabBench"));
    QCoreApplication::setApplicationName(QStringLiteral("bench_window"));
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption secondsOption(QStringLiteral("seconds"), QStringLiteral("Run time."),
                                           QStringLiteral("S"), QStringLiteral("60"));
    const QCommandLineOption rateOption(QStringLiteral("rate"),
                                        QStringLiteral("Auto-publish rate per second (0.5..100)."),
                                        QStringLiteral("R"), QStringLiteral("100"));
    const QCommandLineOption retentionOption(QStringLiteral("retention"),
                                             QStringLiteral("Timeline retention in seconds."),
                                             QStringLiteral("S"), QStringLiteral("300"));
    const QCommandLineOption intervalOption(QStringLiteral("interval"),
                                            QStringLiteral("Report every S seconds."),
                                            QStringLiteral("S"), QStringLiteral("5"));
    const QCommandLineOption screenshotOption(QStringLiteral("screenshot"),
                                              QStringLiteral("Save the window to FILE at the end."),
                                              QStringLiteral("FILE"));
    const QCommandLineOption threadsOption(QStringLiteral("threads"),
                                           QStringLiteral("Server event loops (default 1)."),
                                           QStringLiteral("N"), QStringLiteral("1"));
    const QCommandLineOption fanOutOption(
        QStringLiteral("fanout-threads"),
        QStringLiteral("SSE fan-out threads (default as pushlab: one per core, at most 4)."),
        QStringLiteral("N"), QString::number(qBound(1, QThread::idealThreadCount(), 4)));
    parser.addOptions({secondsOption, rateOption, retentionOption, intervalOption, screenshotOption,
                       threadsOption, fanOutOption});
    parser.process(app);
    const int seconds = std::clamp(parser.value(secondsOption).toInt(), 5, 3600);
    const double rate = std::clamp(parser.value(rateOption).toDouble(), 0.5, 100.0);
    const int interval = std::clamp(parser.value(intervalOption).toInt(), 1, 600);

    ServerConfig config;
    config.port = 0;
    config.threads = std::clamp(parser.value(threadsOption).toInt(), 1, 64);
    config.fanOutThreads = std::clamp(parser.value(fanOutOption).toInt(), 1, 64);
    ServerHost host(config);
    QString error;
    if (!host.start(&error)) {
        std::fprintf(stderr, "bench_window: %s\n", qPrintable(error));
        return 2;
    }

    MainWindow window;
    window.resize(1280, 800);
    window.setTimelineRetentionUs(qint64(parser.value(retentionOption).toDouble() * 1e6));
    window.setServer(host.url(), MainWindow::ServerMode::Embedded);
    window.show();

    // Event-loop lag: how late a 10 ms timer fires. A responsive window keeps this small.
    QElapsedTimer lagClock;
    lagClock.start();
    qint64 lastTick = 0, maxLagMs = 0, sumLagMs = 0, lagTicks = 0;
    QTimer lagTimer;
    lagTimer.setTimerType(Qt::PreciseTimer);
    QObject::connect(&lagTimer, &QTimer::timeout, &window, [&] {
        const qint64 now = lagClock.elapsed();
        if (lastTick) {
            const qint64 lag = std::max<qint64>(0, now - lastTick - 10);
            maxLagMs = std::max(maxLagMs, lag);
            sumLagMs += lag;
            ++lagTicks;
        }
        lastTick = now;
    });
    lagTimer.start(10);

    std::printf("bench_window: auto-publish %.1f msg/s for %d s against %s (%d server loops), "
                "timeline retention %s s, window 1280x800, platform %s\n",
                rate, seconds, qPrintable(host.url().toString()), config.threads,
                qPrintable(parser.value(retentionOption)),
                qPrintable(QGuiApplication::platformName()));
    std::printf("%6s %9s %9s %8s %10s %10s %10s %9s %9s %9s %9s %9s\n", "t_s", "rss_MiB",
                "heap_MiB", "paints", "paint_avg", "paint_max", "frame_avg", "lag_avg", "lag_max",
                "short", "long", "sse");
    std::printf("%6s %9s %9s %8s %10s %10s %10s %9s %9s %9s %9s %9s\n", "", "", "(in use)",
                "(lanes)", "ms/lane", "ms/lane", "ms/3lanes", "ms", "ms", "msgs", "msgs", "msgs");
    std::fflush(stdout);

    // Let the lanes connect before the flood starts.
    QTimer::singleShot(1500, &window, [&] {
        window.composer()->setAutoRate(rate);
        window.composer()->setAutoPublish(true);
        for (Pattern p : PushLab::allPatterns)
            window.laneView(p)->resetPaintStats();
    });

    int elapsed = 0;
    qint64 worstPaintNs = 0, allPaints = 0, allPaintNs = 0;
    qint64 firstRss = -1, peakRss = 0;
    QTimer report;
    QObject::connect(&report, &QTimer::timeout, &window, [&] {
        elapsed += interval;
        qint64 paints = 0, totalNs = 0, maxNs = 0;
        for (Pattern p : PushLab::allPatterns) {
            const LaneView::PaintStats s = window.laneView(p)->paintStats();
            paints += s.paints;
            totalNs += s.totalNs;
            maxNs = std::max(maxNs, s.maxNs);
            window.laneView(p)->resetPaintStats();
        }
        worstPaintNs = std::max(worstPaintNs, maxNs);
        allPaints += paints;
        allPaintNs += totalNs;
        const qint64 rss = residentKiB();
        if (firstRss < 0)
            firstRss = rss;
        peakRss = std::max(peakRss, rss);
        const double avgMs = paints ? double(totalNs) / double(paints) / 1e6 : 0;
        std::printf("%6d %9.1f %9.1f %8lld %10.3f %10.3f %10.3f %9.2f %9lld %9lld %9lld %9lld\n",
                    elapsed, double(rss) / 1024, double(heapInUseKiB()) / 1024, paints, avgMs,
                    double(maxNs) / 1e6, avgMs * 3,
                    lagTicks ? double(sumLagMs) / double(lagTicks) : 0.0, maxLagMs,
                    window.laneSummary(Pattern::ShortPoll).messages,
                    window.laneSummary(Pattern::LongPoll).messages,
                    window.laneSummary(Pattern::ServerSentEvents).messages);
        std::fflush(stdout);
        maxLagMs = sumLagMs = lagTicks = 0;
        if (elapsed >= seconds) {
            if (parser.isSet(screenshotOption))
                window.grab().save(parser.value(screenshotOption));
            QCoreApplication::quit();
        }
    });
    report.start(interval * 1000);

    QApplication::exec();
    window.composer()->setAutoPublish(false);
    const double avgMs = allPaints ? double(allPaintNs) / double(allPaints) / 1e6 : 0;
    std::printf("summary: %lld lane paints, %.3f ms per lane paint (%.3f ms per 3-lane frame), "
                "worst lane paint %.3f ms; RSS first report %.1f MiB, peak %.1f MiB\n",
                allPaints, avgMs, avgMs * 3, double(worstPaintNs) / 1e6, double(firstRss) / 1024,
                double(peakRss) / 1024);
    for (Pattern p : PushLab::allPatterns) {
        const LatencySummary s = window.laneSummary(p);
        std::printf("  %-10s %7lld msgs %8lld requests  p50 %.2f ms  p99 %.2f ms  missing %lld\n",
                    qPrintable(PushLab::patternName(p)), s.messages, s.requests, s.p50Ms, s.p99Ms,
                    s.missing);
    }
    // The Messages tab's verdicts: how often the lead between the first two lanes is one the
    // window can measure (MessageRaceModel's tie rule), over the rows it keeps.
    const MessageRaceModel *race = window.raceModel();
    std::vector<qint64> leads;
    qint64 ties = 0;
    for (int r = 0; r < race->rowCount(); ++r) {
        const MessageRaceModel::Row &row = race->row(r);
        const bool all = std::all_of(row.latencyUs.begin(), row.latencyUs.end(),
                                     [](qint64 l) { return l >= 0; });
        if (!all)
            continue;
        leads.push_back(row.leadUs());
        ties += row.isTie() ? 1 : 0;
    }
    std::sort(leads.begin(), leads.end());
    const auto leadAt = [&leads](double q) {
        return leads.empty() ? 0.0 : double(leads[size_t(q * double(leads.size() - 1))]) / 1000;
    };
    std::printf("race: %zu messages delivered to every lane, %lld ties, %lld wins; lead of the "
                "first over the second p10 %.3f ms p50 %.3f ms p90 %.3f ms p99 %.3f ms\n",
                leads.size(), ties, qint64(leads.size()) - ties, leadAt(0.1), leadAt(0.5),
                leadAt(0.9), leadAt(0.99));
    window.close();
    host.stop();
    return 0;
}
