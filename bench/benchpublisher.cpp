#include "benchpublisher.h"

#include "benchclock.h"
#include "deliveryledger.h"
#include "messagemarker.h"
#include "requestwriter.h"
#include "socketloop.h"

#include <QtCore/QLoggingCategory>

#include <algorithm>

Q_DECLARE_LOGGING_CATEGORY(lcBench)

namespace PushLab::Bench {

BenchPublisher::BenchPublisher(SocketLoop &loop, const MessageMarker &marker,
                               DeliveryLedger &ledger, HttpTarget target,
                               BenchOptions::PublishMethod method, int connections)
    : m_loop(loop)
    , m_marker(marker)
    , m_ledger(ledger)
    , m_target(std::move(target))
    , m_method(method) {
    for (int i = 0; i < std::max(connections, 1); ++i) {
        m_connections.push_back(std::make_unique<BenchConnection>());
        m_connections.back()->handler = this;
    }
}

BenchPublisher::~BenchPublisher() {
    for (const auto &c : m_connections) {
        if (c->fd >= 0)
            SocketLoop::closeHard(c->fd);
    }
}

std::string BenchPublisher::open() {
    std::string first;
    for (const auto &c : m_connections) {
        if (std::string error = open(*c); !error.empty() && first.empty())
            first = std::move(error);
    }
    return first;
}

std::string BenchPublisher::open(BenchConnection &c) {
    if (c.fd >= 0)
        return {};
    if (std::string error = m_loop.open(c, m_target); !error.empty())
        return error;
    BenchConnection *p = &c;
    c.parser.setHandlers([p](const HttpResponseParser::Head &head) { p->httpStatus = head.status; },
                         [p](std::string_view data) {
                             if (p->body.size() < 16 * 1024 * 1024)
                                 p->body.append(data);
                         },
                         [this, p]() { onComplete(*p); });
    return {};
}

bool BenchPublisher::isIdle() const {
    return m_inFlight == 0;
}

BenchConnection *BenchPublisher::idleConnection() const {
    BenchConnection *closed = nullptr;
    for (const auto &c : m_connections) {
        if (c->requestOpen)
            continue;
        if (c->fd >= 0)
            return c.get(); // open (or still connecting: the request waits for the connect)
        if (!closed)
            closed = c.get();
    }
    return closed;
}

bool BenchPublisher::canPublish() const {
    return idleConnection() != nullptr;
}

bool BenchPublisher::publishNext(std::int64_t scheduledUs) {
    BenchConnection *c = idleConnection();
    if (!c)
        return false; // every connection waits for an answer: this one goes out late
    BenchConnection &p = *c;
    if (p.fd < 0) {
        if (const std::string error = open(p); !error.empty()) {
            qCWarning(lcBench, "publish connection: %s", error.c_str());
            ++m_errors;
            ++m_nextSequence;
            return true;
        }
    }
    const int sequence = m_nextSequence++;
    RequestWriter::publish(p.out, m_target, m_method,
                           m_marker.text(static_cast<std::uint32_t>(sequence)));
    p.outOffset = 0;
    p.requestOpen = true;
    p.body.clear();
    p.pendingSequence = sequence;
    m_mostInFlight = std::max(m_mostInFlight, ++m_inFlight);
    m_ledger.recordPublish(sequence, monotonicUs(), scheduledUs);
    if (p.established && !m_loop.flush(p))
        onPeerClosed(p, false); // this message was not published
    return true;
}

void BenchPublisher::onComplete(BenchConnection &c) {
    if (c.requestOpen) {
        c.requestOpen = false;
        --m_inFlight;
    }
    if (c.httpStatus < 200 || c.httpStatus >= 300) {
        ++m_errors;
        m_ledger.cancelPublish(c.pendingSequence);
        qCWarning(lcBench, "publish answered %d: %s", c.httpStatus, c.body.c_str());
    } else {
        ++m_answered;
    }
    c.pendingSequence = -1;
    if (c.parser.head().connectionClose)
        m_loop.close(c);
}

void BenchPublisher::onBroken(BenchConnection &c, std::string_view) {
    onPeerClosed(c, false); // the message in flight was not published
}

void BenchPublisher::onPeerClosed(BenchConnection &c, bool) {
    if (c.fd < 0)
        return;
    if (c.requestOpen) {
        ++m_errors;
        m_ledger.cancelPublish(c.pendingSequence);
        c.requestOpen = false;
        --m_inFlight;
    }
    m_loop.close(c);
}

} // namespace PushLab::Bench
