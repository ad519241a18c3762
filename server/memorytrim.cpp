#include "memorytrim.h"

#include <atomic>

#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
#include <malloc.h>
#define PUSHLAB_GLIBC_TRIM 1
#endif

namespace {
// When any loop last looked (monotonic ms; 0 = never): one rate limit for the process.
std::atomic<qint64> lastLookMs{0};
} // namespace

MemoryTrim::Hooks MemoryTrim::systemHooks() {
#ifdef PUSHLAB_GLIBC_TRIM
    return {[] { return qint64(mallinfo2().fordblks); }, [] { malloc_trim(0); }};
#else // ASan's allocator (or another libc) keeps its own books
    return {[] { return qint64(0); }, [] {}};
#endif
}

MemoryTrim::MemoryTrim(Hooks hooks, qint64 intervalMs, qint64 thresholdBytes)
    : m_hooks(std::move(hooks))
    , m_intervalMs(intervalMs)
    , m_thresholdBytes(thresholdBytes) {}

MemoryTrim::Outcome MemoryTrim::afterSweep(int connections, qint64 nowMs) {
    if (connections > 0)
        m_emptyLookDue = false;
    else if (m_lastConnections > 0)
        m_emptyLookDue = true;
    m_lastConnections = connections;
    qint64 last = lastLookMs.load(std::memory_order_relaxed);
    const qint64 wait = m_emptyLookDue ? m_intervalMs / 10 : m_intervalMs;
    if ((last != 0 && nowMs - last < wait) ||
        !lastLookMs.compare_exchange_strong(last, nowMs, std::memory_order_relaxed))
        return m_emptyLookDue ? Outcome::Later : Outcome::NotNow; // (or another loop looks now)
    m_emptyLookDue = false;
    if (m_hooks.freeHeapBytes() <= m_thresholdBytes)
        return Outcome::NothingToTrim;
    m_hooks.trim();
    return Outcome::Trimmed;
}
