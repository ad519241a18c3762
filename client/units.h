#pragma once

#include <QtCore/QString>

// How PushLab writes numbers (the window and the CLI): always with a unit, with as many digits as
// are meaningful.
class Units final {
public:
    // 0.07 ms, 12.3 ms, 412 ms, 2.50 s, 1 min 5 s
    static QString duration(qint64 us);
    static QString milliseconds(double ms);
    // 512 B, 1.5 KiB, 2.3 MiB
    static QString bytes(double bytes);
    // A time-axis label: clock time with the precision the tick step needs.
    static QString clockTime(qint64 us, qint64 stepUs);
    // "10 s", "500 ms", "2 min": a span of the time axis.
    static QString span(qint64 us);
};
