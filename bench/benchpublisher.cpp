#include "benchpublisher.h"

#include "benchclock.h"
#include "deliveryledger.h"
#include "messagemarker.h"
#include "requestwriter.h"
#include "socketloop.h"

#include <QtCore/QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcBench)

namespace PushLab::Bench {

BenchPublisher::BenchPublisher(SocketLoop &loop, const MessageMarker &marker,
                               DeliveryLedger &ledger, HttpTarget target,
                               BenchOptions::PublishMethod method)
    : m_loop(loop)
    , m_marker(marker)
    , m_ledger(ledger)
    , m_target(std::move(target))
    , m_method(method) {
    m_connection.handler = this;
}

BenchPublisher::~BenchPublisher() {
    if (m_connection.fd >= 0)
        SocketLoop::closeHard(m_connection.fd);
}

std::string BenchPublisher::open() {
    if (m_connection.fd >= 0)
        return {};
    if (std::string error = m_loop.open(m_connection, m_target); !error.empty())
        return error;
    m_connection.parser.setHandlers(
        [this](const HttpResponseParser::Head &head) { m_connection.httpStatus = head.status; },
        [this](std::string_view data) {
            if (m_connection.body.size() < 16 * 1024 * 1024)
                m_connection.body.append(data);
        },
        [this]() { onComplete(m_connection); });
    return {};
}

void BenchPublisher::publishNext() {
    BenchConnection &p = m_connection;
    if (p.requestOpen)
        return; // still waiting for the previous answer: this one goes out late
    if (p.fd < 0) {
        if (const std::string error = open(); !error.empty()) {
            qCWarning(lcBench, "publish connection: %s", error.c_str());
            ++m_errors;
            ++m_nextSequence;
            return;
        }
    }
    const int sequence = m_nextSequence++;
    RequestWriter::publish(p.out, m_target, m_method,
                           m_marker.text(static_cast<std::uint32_t>(sequence)));
    p.outOffset = 0;
    p.requestOpen = true;
    p.body.clear();
    p.pendingSequence = sequence;
    m_ledger.recordPublish(sequence, monotonicUs());
    if (p.established && !m_loop.flush(p))
        onPeerClosed(p, false); // this message was not published
}

void BenchPublisher::onComplete(BenchConnection &c) {
    c.requestOpen = false;
    if (c.httpStatus < 200 || c.httpStatus >= 300) {
        ++m_errors;
        m_ledger.cancelPublish(c.pendingSequence);
        qCWarning(lcBench, "publish answered %d: %s", c.httpStatus, c.body.c_str());
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
    }
    m_loop.close(c);
}

} // namespace PushLab::Bench
