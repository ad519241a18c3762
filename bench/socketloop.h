#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <sys/epoll.h>

namespace PushLab::Bench {

struct BenchConnection;
struct HttpTarget;

// Raw non-blocking sockets on one edge-triggered epoll loop: connects, writes a connection's
// pending request, reads everything that arrives into its parser, and tells its handler when
// the socket is done.
class SocketLoop final {
public:
    SocketLoop() = default;
    ~SocketLoop();
    SocketLoop(const SocketLoop &) = delete;
    SocketLoop &operator=(const SocketLoop &) = delete;

    // Empty on success; otherwise why not.
    std::string create();
    // Connects c to target (non-blocking; the request waits until the connect completes) with
    // empty buffers and a fresh parser. Empty on success; otherwise why not.
    std::string open(BenchConnection &c, const HttpTarget &target);
    void close(BenchConnection &c);
    // Writes what is pending; false when the connection broke (errno says why).
    bool flush(BenchConnection &c);
    // Waits at most timeoutMs for events and handles them; returns how many there were.
    int wait(int timeoutMs);

    // Answers that were not HTTP (each closed its connection).
    std::int64_t malformedAnswers() const { return m_malformed; }

    // Reset instead of a graceful close: 10,000 sockets per run in TIME_WAIT would exhaust
    // the loopback's ephemeral ports by the third run of a benchmark.
    static void closeHard(int fd);

private:
    void onEvent(BenchConnection &c, std::uint32_t events);
    void readAll(BenchConnection &c);
    void readToEnd(BenchConnection &c);
    bool feed(BenchConnection &c, const char *data, std::size_t size);

    int m_epollFd = -1;
    std::int64_t m_malformed = 0;
    std::vector<epoll_event> m_events = std::vector<epoll_event>(8192);
    std::vector<char> m_buffer = std::vector<char>(64 * 1024);
};

} // namespace PushLab::Bench
