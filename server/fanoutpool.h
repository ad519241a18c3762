#pragma once

#include "sendring.h"

#include <QtCore/QByteArray>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

// Threads that help one event loop send the same bytes to many sockets: an SSE fan-out to
// thousands of streams is almost all kernel time in send(2), which two cores do in half the
// time. The loop hands over a list of plain writes and takes part itself; it waits until all
// are done, so nothing else runs on those sockets meanwhile. Helpers sleep when there is no
// fan-out (no CPU at idle).
class FanOutPool final {
    Q_DISABLE_COPY_MOVE(FanOutPool)

public:
    using Write = SendRing::Write;

    explicit FanOutPool(int helpers);
    ~FanOutPool();

    int helpers() const { return int(m_threads.size()); }
    // Sends each write once (MSG_NOSIGNAL | MSG_DONTWAIT), spread over the helpers and the
    // calling thread, each through its own SendRing; returns when every one is done.
    void send(std::vector<Write> &writes);

private:
    void helperLoop();
    void work();

    std::vector<std::thread> m_threads;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::condition_variable m_done;
    quint64 m_round = 0; // guarded by m_mutex
    int m_busy = 0;      // helpers still in the current round, guarded by m_mutex
    bool m_stop = false; // guarded by m_mutex
    Write *m_writes = nullptr;
    std::size_t m_count = 0;
    std::atomic<std::size_t> m_next{0};
};
