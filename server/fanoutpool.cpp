#include "fanoutpool.h"

namespace {
// Writes taken at a time: little contention on m_next, and one io_uring submission each.
constexpr std::size_t batch = SendRing::batch;
} // namespace

FanOutPool::FanOutPool(int helpers) {
    for (int i = 0; i < helpers; ++i)
        m_threads.emplace_back([this] { helperLoop(); });
}

FanOutPool::~FanOutPool() {
    {
        const std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    for (std::thread &thread : m_threads)
        thread.join();
}

void FanOutPool::send(std::vector<Write> &writes) {
    if (writes.empty())
        return;
    {
        const std::lock_guard lock(m_mutex);
        m_writes = writes.data();
        m_count = writes.size();
        m_next.store(0);
        m_busy = int(m_threads.size());
        ++m_round;
    }
    m_wake.notify_all();
    work();
    std::unique_lock lock(m_mutex);
    m_done.wait(lock, [this] { return m_busy == 0; });
    m_writes = nullptr;
    m_count = 0;
}

void FanOutPool::helperLoop() {
    quint64 seen = 0;
    while (true) {
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [&] { return m_stop || m_round != seen; });
            if (m_stop)
                return;
            seen = m_round;
        }
        work();
        {
            const std::lock_guard lock(m_mutex);
            --m_busy;
        }
        m_done.notify_one();
    }
}

void FanOutPool::work() {
    while (true) {
        const std::size_t first = m_next.fetch_add(batch);
        if (first >= m_count)
            return;
        const std::size_t last = std::min(m_count, first + batch);
        SendRing::forThisThread().send(m_writes + first, last - first);
    }
}
