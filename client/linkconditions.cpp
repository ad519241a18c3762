#include "linkconditions.h"

#include "units.h"

#include <QtCore/QStringList>

namespace {

QString bandwidth(qint64 kbit) {
    if (kbit <= 0)
        return QStringLiteral("unlimited");
    if (kbit >= 1000 && kbit % 100 == 0)
        return QStringLiteral("%1 Mbit/s").arg(double(kbit) / 1000.0);
    return QStringLiteral("%1 kbit/s").arg(kbit);
}

} // namespace

QString LinkConditions::summary() const {
    QStringList parts;
    if (roundTripMs() > 0 || down.jitterMs > 0)
        parts.append(QStringLiteral("RTT %1 ms").arg(roundTripMs()));
    if (down.jitterMs > 0 || up.jitterMs > 0)
        parts.append(QStringLiteral("jitter ±%1 ms").arg(qMax(down.jitterMs, up.jitterMs)));
    if (down.bandwidthKbit > 0 || up.bandwidthKbit > 0) {
        parts.append(QStringLiteral("↓ ") + bandwidth(down.bandwidthKbit));
        parts.append(QStringLiteral("↑ ") + bandwidth(up.bandwidthKbit));
    }
    if (lossPercent > 0)
        parts.append(
            QStringLiteral("loss %1 % (stalls %2 ms)").arg(lossPercent).arg(retransmitStallMs()));
    if (dropEverySeconds > 0)
        parts.append(QStringLiteral("%1 every %2")
                         .arg(dropMode == DropMode::Reset ? QStringLiteral("reset")
                                                          : QStringLiteral("close"),
                              Units::duration(qint64(dropEverySeconds * 1e6))));
    if (bufferingProxyKiB > 0)
        parts.append(QStringLiteral("buffering proxy %1 KiB").arg(bufferingProxyKiB));
    if (idleTimeoutSeconds > 0)
        parts.append(QStringLiteral("idle-timeout proxy %1")
                         .arg(Units::duration(qint64(idleTimeoutSeconds * 1e6))));
    return parts.isEmpty() ? QStringLiteral("no added latency, loss or faults")
                           : parts.join(QStringLiteral(" · "));
}
