#include "units.h"

#include <QtCore/QDateTime>

#include <cmath>

QString Units::duration(qint64 us) {
    const double a = std::abs(double(us));
    if (a < 1'000'000)
        return milliseconds(double(us) / 1000.0);
    if (a < 60'000'000)
        return QString::number(double(us) / 1e6, 'f', a < 10'000'000 ? 2 : 1) +
               QStringLiteral(" s");
    const qint64 s = us / 1'000'000;
    return QStringLiteral("%1 min %2 s").arg(s / 60).arg(s % 60);
}

QString Units::milliseconds(double ms) {
    const double a = std::abs(ms);
    const int decimals = a < 10 ? 2 : (a < 100 ? 1 : 0);
    return QString::number(ms, 'f', decimals) + QStringLiteral(" ms");
}

QString Units::bytes(double bytes) {
    if (bytes < 1024)
        return QString::number(bytes, 'f', bytes < 10 && bytes != std::floor(bytes) ? 1 : 0) +
               QStringLiteral(" B");
    if (bytes < 1024 * 1024)
        return QString::number(bytes / 1024, 'f', 1) + QStringLiteral(" KiB");
    if (bytes < 1024.0 * 1024 * 1024)
        return QString::number(bytes / (1024 * 1024), 'f', 1) + QStringLiteral(" MiB");
    return QString::number(bytes / (1024.0 * 1024 * 1024), 'f', 2) + QStringLiteral(" GiB");
}

QString Units::clockTime(qint64 us, qint64 stepUs) {
    const QTime t = QDateTime::fromMSecsSinceEpoch(us / 1000).time();
    if (stepUs >= 1'000'000)
        return t.toString(QStringLiteral("HH:mm:ss"));
    if (stepUs >= 1'000)
        return t.toString(QStringLiteral("mm:ss.zzz"));
    // Sub-millisecond steps: the microseconds after the millisecond.
    return t.toString(QStringLiteral("ss.zzz")) +
           QString::number(us % 1000).rightJustified(3, u'0') + QStringLiteral(" s");
}

QString Units::span(qint64 us) {
    if (us >= 60'000'000 && us % 60'000'000 == 0)
        return QStringLiteral("%1 min").arg(us / 60'000'000);
    if (us >= 1'000'000)
        return QString::number(double(us) / 1e6, 'g', 3) + QStringLiteral(" s");
    if (us >= 1'000)
        return QString::number(double(us) / 1e3, 'g', 3) + QStringLiteral(" ms");
    return QString::number(us) + QStringLiteral(" µs");
}
