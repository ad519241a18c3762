#pragma once

#include <QtCore/QtGlobal>

#include <functional>

// Gives memory the server freed back to the system. glibc keeps freed heap pages (in every
// thread's arena) for reuse: after a crowd of connections leaves, or after big messages leave
// the history, the process stays as large as it was at its peak. Measured with bench/soak.py
// (Release): 18 MiB at start, 113 MiB after 5,000 slow heads and 1,000 dropped readers had
// left, 27 MiB after one malloc_trim(0). The sweep asks after each pass; at most once in
// `interval` (sooner when the server has just become empty) it looks at how much the heap holds
// free, and trims when that is more than `threshold` bytes. Process-wide: several loops share
// one rate limit.
class MemoryTrim final {
public:
    struct Hooks {
        std::function<qint64()> freeHeapBytes; // bytes free inside the heap (not returned)
        std::function<void()> trim;            // returns them
    };
    static Hooks systemHooks(); // mallinfo2 and malloc_trim (no-ops under a sanitizer)

    explicit MemoryTrim(Hooks hooks = systemHooks(), qint64 intervalMs = 10'000,
                        qint64 thresholdBytes = 16 << 20);

    enum class Outcome { Trimmed, NothingToTrim, NotNow, Later };
    // After a sweep, with the connections the loop holds now. Later: the loop has just become
    // empty and the look is due within a tenth of the interval (keep sweeping until then).
    Outcome afterSweep(int connections, qint64 nowMs);

private:
    Hooks m_hooks;
    qint64 m_intervalMs = 0;
    qint64 m_thresholdBytes = 0;
    int m_lastConnections = 0;
    bool m_emptyLookDue = false; // became empty since the last look
};
