#pragma once

#include <QtCore/QByteArray>

#include <memory>
#include <vector>

class FanOutPool;
class QTcpSocket;

// Every byte the server sends to a client goes through here. A write to a socket with nothing
// queued goes straight to the kernel (no Qt buffer, no write-notifier round trip); one behind
// queued bytes is queued in the QTcpSocket, up to a bound past which the peer is too slow to
// keep. Many writes at once (a fan-out, a wave of long-poll answers) go in batches, one system
// call per batch (SendRing), and for large fan-outs shared with helper threads (FanOutPool).
class SocketWriter final {
    Q_DISABLE_COPY_MOVE(SocketWriter)

public:
    SocketWriter(qint64 maxUnsentBytes, int fanOutThreads);
    ~SocketWriter();

    // False when the peer is too slow (over maxUnsentBytes queued): nothing was written.
    bool write(QTcpSocket *socket, qintptr fd, const QByteArray &bytes);

    struct Target {
        QTcpSocket *socket = nullptr;
        qintptr fd = -1;
        const QByteArray *bytes = nullptr; // must outlive writeAll
        int delivered = 0;                 // messages in it, for the counters
    };
    struct Result {
        qint64 bytes = 0;                  // written or queued, summed over the targets kept
        qint64 delivered = 0;              // likewise
        std::vector<QTcpSocket *> tooSlow; // not written: the caller drops them afterwards
    };
    enum class Helpers { Allowed, Never };
    // Writes each target's bytes once. Helpers::Never keeps it on this thread; Allowed lets the
    // fan-out pool share a large batch (streams, and a wave of long-poll answers).
    Result writeAll(const std::vector<Target> &targets, Helpers helpers);

    // Below this many targets a batch is quicker alone than with helpers to wake.
    static constexpr std::size_t poolMinTargets = 512;

private:
    FanOutPool &pool(); // made at the first large fan-out

    qint64 m_maxUnsentBytes = 0;
    int m_fanOutThreads = 1;
    std::unique_ptr<FanOutPool> m_pool;
};
