#pragma once

#include <QtCore/QByteArray>

#include <cstddef>

// Sends a batch of small writes, each to its own socket, with one system call per batch:
// io_uring where the kernel and the build allow it, else one send(2) per write. An SSE
// fan-out or a wave of long-poll answers is thousands of such sends; on this project's VMs
// 9,000 of them took 64-66 ms through io_uring against 73-76 ms with send(2), and the
// server's CPU in 10,000-stream fan-outs was lower in most A/B runs (docs/bench.md has every
// figure, including the runs where it made no difference). Every write is sent once with
// MSG_DONTWAIT: a full socket answers EAGAIN at once and the caller queues the rest, as it
// does for send(2); a kernel that would park such a send instead is not used (see the .cpp).
//
// Not thread-safe: one per thread (forThisThread), because a submission queue has one writer.
class SendRing final {
    Q_DISABLE_COPY_MOVE(SendRing)

public:
    struct Write {
        int fd = -1;
        const QByteArray *bytes = nullptr;
        std::size_t tag = 0; // the caller's, e.g. an index
        qint64 sent = 0;     // filled in: bytes sent, or -1 (then `error` is errno)
        // ECANCELED: the ring failed and whether the bytes went is unknown (it should not
        // happen); the caller drops the peer, who reconnects and resumes.
        int error = 0;
    };

    // io_uring when `tryIoUring` and the kernel lets this process set up a ring (a sysctl or
    // a container's seccomp filter may not), else send(2).
    explicit SendRing(bool tryIoUring);
    ~SendRing();

    // Process policy (app/ reads PUSHLAB_IO_URING): whether rings made from now on try
    // io_uring. Call before the server's threads start.
    static void setIoUringWanted(bool wanted);
    // This thread's ring, created on first use: io_uring unless turned off.
    static SendRing &forThisThread();

    bool usesIoUring() const { return m_ring != nullptr; }
    // Sends each write once; fills in `sent` and `error`. A single write is a plain send(2):
    // a ring pays for itself only when several share one io_uring_enter.
    void send(Write *writes, std::size_t count);

    static constexpr unsigned batch = 64; // writes per submission

private:
    struct Ring;
    Ring *m_ring = nullptr;
};
