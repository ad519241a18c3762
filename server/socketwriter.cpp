#include "socketwriter.h"

#include "fanoutpool.h"
#include "sendring.h"

#include <QtNetwork/QTcpSocket>

#include <cerrno>

namespace {

// After a send of `bytes` that returned `sent` (-1: errno `error`): what did not go is
// queued in the QTcpSocket, which sends it when it can. Nothing when all went, or when the
// peer is gone (the read notifier reports that, and the connection is forgotten then).
void queueUnsent(QTcpSocket *socket, const QByteArray &bytes, qint64 sent, int error) {
    if (sent < 0 && error == ECANCELED) {
        // Unknown whether it went (SendRing): resending could repeat it, so the peer is
        // dropped, on the next turn (callers are walking their lists now).
        QMetaObject::invokeMethod(socket, &QAbstractSocket::abort, Qt::QueuedConnection);
        return;
    }
    if (sent == bytes.size() || (sent < 0 && error != EAGAIN && error != EWOULDBLOCK))
        return;
    const qint64 done = qMax<qint64>(0, sent);
    socket->write(bytes.constData() + done, bytes.size() - done);
}

} // namespace

SocketWriter::SocketWriter(qint64 maxUnsentBytes, int fanOutThreads)
    : m_maxUnsentBytes(maxUnsentBytes)
    , m_fanOutThreads(fanOutThreads) {}

SocketWriter::~SocketWriter() = default; // joins the pool's helpers

FanOutPool &SocketWriter::pool() {
    if (!m_pool)
        m_pool = std::make_unique<FanOutPool>(m_fanOutThreads - 1);
    return *m_pool;
}

bool SocketWriter::write(QTcpSocket *socket, qintptr fd, const QByteArray &bytes) {
    const qint64 queued = socket->bytesToWrite();
    if (queued == 0 && fd >= 0) {
        SendRing::Write w{int(fd), &bytes};
        SendRing::forThisThread().send(&w, 1);
        queueUnsent(socket, bytes, w.sent, w.error);
        return true;
    }
    if (queued + bytes.size() > m_maxUnsentBytes)
        return false;
    socket->write(bytes);
    return true;
}

SocketWriter::Result SocketWriter::writeAll(const std::vector<Target> &targets, Helpers helpers) {
    Result result;
    // The plain writes (nothing queued in the socket, the usual case) go out in batches; a
    // target with bytes already queued is written behind them, one by one.
    std::vector<SendRing::Write> plain;
    plain.reserve(targets.size());
    std::vector<std::size_t> queued;
    for (std::size_t i = 0; i < targets.size(); ++i) {
        const Target &t = targets[i];
        if (t.bytes->isEmpty())
            continue;
        if (t.fd >= 0 && t.socket->bytesToWrite() == 0)
            plain.push_back(SendRing::Write{int(t.fd), t.bytes, i});
        else
            queued.push_back(i);
    }
    if (helpers == Helpers::Allowed && m_fanOutThreads > 1 && plain.size() >= poolMinTargets)
        pool().send(plain);
    else
        SendRing::forThisThread().send(plain.data(), plain.size());
    for (const SendRing::Write &w : plain) {
        const Target &t = targets[w.tag];
        queueUnsent(t.socket, *w.bytes, w.sent, w.error);
        result.bytes += w.bytes->size();
        result.delivered += t.delivered;
    }
    for (const std::size_t i : queued) {
        const Target &t = targets[i];
        if (!write(t.socket, t.fd, *t.bytes)) {
            result.tooSlow.push_back(t.socket);
            continue;
        }
        result.bytes += t.bytes->size();
        result.delivered += t.delivered;
    }
    return result;
}
