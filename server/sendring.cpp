#include "sendring.h"

#include <atomic>

#include <QtCore/QString>

#include <algorithm>
#include <cerrno>
#include <sys/socket.h>
#include <unistd.h>

#ifdef PUSHLAB_HAVE_IO_URING
#include <liburing.h>
#endif

namespace {
constexpr int sendFlags = MSG_NOSIGNAL | MSG_DONTWAIT;

void sendPlain(SendRing::Write &w) {
    const ssize_t sent =
        ::send(w.fd, w.bytes->constData(), std::size_t(w.bytes->size()), sendFlags);
    w.sent = sent;
    w.error = sent < 0 ? errno : 0;
}
} // namespace

#ifdef PUSHLAB_HAVE_IO_URING
struct SendRing::Ring {
    io_uring ring{};
};

namespace {
// Whether a MSG_DONTWAIT send to a full socket completes at once with EAGAIN. Kernels that
// instead park it until the socket drains would let one slow client stall the whole loop
// in send(), so such a ring is not used.
bool sendsNeverWait(io_uring &ring) {
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) != 0)
        return false;
    static const char filler[4096] = {}; // not on the stack: a parked send may outlive us
    while (::send(fds[0], filler, sizeof filler, MSG_NOSIGNAL | MSG_DONTWAIT) > 0) {
    }
    bool ok = false;
    if (io_uring_sqe *sqe = io_uring_get_sqe(&ring)) {
        io_uring_prep_send(sqe, fds[0], filler, 1, sendFlags);
        if (io_uring_submit(&ring) == 1) {
            io_uring_cqe *cqe = nullptr;
            __kernel_timespec wait{0, 200'000'000};
            if (io_uring_wait_cqe_timeout(&ring, &cqe, &wait) == 0) {
                ok = cqe->res == -EAGAIN || cqe->res == -EWOULDBLOCK;
                io_uring_cqe_seen(&ring, cqe);
            }
        }
    }
    ::close(fds[0]); // a parked send (if any) ends with its socket, before the ring goes
    ::close(fds[1]);
    return ok;
}
} // namespace
#endif

SendRing::SendRing(bool tryIoUring) {
#ifdef PUSHLAB_HAVE_IO_URING
    if (!tryIoUring)
        return;
    auto *r = new Ring;
    if (io_uring_queue_init(batch, &r->ring, 0) != 0) {
        delete r;
        return;
    }
    if (!sendsNeverWait(r->ring)) {
        io_uring_queue_exit(&r->ring);
        delete r;
        return;
    }
    m_ring = r;
#else
    Q_UNUSED(tryIoUring)
#endif
}

SendRing::~SendRing() {
#ifdef PUSHLAB_HAVE_IO_URING
    if (m_ring) {
        io_uring_queue_exit(&m_ring->ring);
        delete m_ring;
    }
#endif
}

namespace {
std::atomic<bool> ioUringWanted{true};
}

void SendRing::setIoUringWanted(bool wanted) {
    ioUringWanted.store(wanted);
}

SendRing &SendRing::forThisThread() {
    thread_local SendRing ring(ioUringWanted.load());
    return ring;
}

void SendRing::send(Write *writes, std::size_t count) {
#ifdef PUSHLAB_HAVE_IO_URING
    std::size_t first = 0;
    while (m_ring && count - first > 1) {
        io_uring &ring = m_ring->ring;
        const std::size_t n = std::min<std::size_t>(batch, count - first);
        std::size_t queued = 0;
        for (; queued < n; ++queued) {
            io_uring_sqe *sqe = io_uring_get_sqe(&ring);
            if (!sqe)
                break; // cannot happen: the ring holds `batch` and is empty here
            Write &w = writes[first + queued];
            w.sent = -1;
            w.error = ECANCELED; // until its completion says otherwise
            io_uring_prep_send(sqe, w.fd, w.bytes->constData(), std::size_t(w.bytes->size()),
                               sendFlags);
            io_uring_sqe_set_data64(sqe, first + queued);
        }
        int submitted = io_uring_submit_and_wait(&ring, unsigned(queued));
        while (submitted == -EINTR)
            submitted = io_uring_submit_and_wait(&ring, unsigned(queued));
        // The kernel takes submissions in order: the first `submitted` are in flight.
        const std::size_t inFlight = submitted > 0 ? std::size_t(submitted) : 0;
        bool lost = false;
        for (std::size_t done = 0; done < inFlight; ++done) {
            io_uring_cqe *cqe = nullptr;
            int waited = io_uring_wait_cqe(&ring, &cqe);
            while (waited == -EINTR)
                waited = io_uring_wait_cqe(&ring, &cqe);
            if (waited < 0) {
                lost = true; // the rest in flight keep ECANCELED: the caller drops those peers
                break;
            }
            Write &w = writes[io_uring_cqe_get_data64(cqe)];
            w.sent = cqe->res >= 0 ? cqe->res : -1;
            w.error = cqe->res < 0 ? -cqe->res : 0;
            io_uring_cqe_seen(&ring, cqe);
        }
        if (lost || inFlight < queued || queued == 0) {
            // The ring misbehaved (it should not): never use it again, so nothing left in it
            // is sent later, and send what it never took the plain way.
            io_uring_queue_exit(&ring);
            delete m_ring;
            m_ring = nullptr;
            for (std::size_t i = first + inFlight; i < first + queued; ++i)
                sendPlain(writes[i]);
        }
        first += queued;
    }
    for (std::size_t i = first; i < count; ++i)
        sendPlain(writes[i]);
#else
    for (std::size_t i = 0; i < count; ++i)
        sendPlain(writes[i]);
#endif
}
