#include "subscribers.h"

#include "benchclock.h"
#include "crowdtally.h"
#include "deliveryledger.h"
#include "messagemarker.h"
#include "socketloop.h"

#include <QtCore/QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcBench)

namespace PushLab::Bench {

Subscribers::Subscribers(Context context)
    : m_context(std::move(context)) {}

Subscribers::~Subscribers() {
    for (const auto &c : m_connections) {
        if (c->fd >= 0)
            SocketLoop::closeHard(c->fd);
    }
}

void Subscribers::add(int client, const std::string &since, std::int64_t nowUs) {
    auto owned = std::make_unique<BenchConnection>();
    BenchConnection &c = *owned;
    c.handler = this;
    c.client = client;
    c.since = since;
    c.firstAttemptUs = nowUs;
    m_connections.push_back(std::move(owned));
    if (const std::string error = openSocket(c); !error.empty()) {
        qCWarning(lcBench, "client %d: %s", client, error.c_str());
        fail(c, error);
        return;
    }
    queueRequest(c); // written as soon as the connect completes
}

std::string Subscribers::openSocket(BenchConnection &c) {
    if (std::string error = m_context.loop.open(c, targetOf(c)); !error.empty())
        return error;
    installHandlers(c);
    return {};
}

void Subscribers::queueRequest(BenchConnection &c) {
    writeRequest(c);
    c.outOffset = 0;
    c.requestOpen = true;
    c.body.clear();
    ++m_context.tally.requests;
}

void Subscribers::fail(BenchConnection &c, std::string_view why) {
    m_context.loop.close(c);
    if (c.subscribed || !c.failed)
        m_context.tally.noteFailed(c.subscribed, why);
    c.failed = true;
}

void Subscribers::markSubscribed(BenchConnection &c) {
    if (c.subscribed || c.failed)
        return;
    c.subscribed = true;
    m_context.tally.noteSubscribed(c.firstAttemptUs, monotonicUs());
}

void Subscribers::recordDeliveries(const BenchConnection &c, std::string_view data,
                                   std::int64_t nowUs) {
    m_context.marker.scan(data, [&](std::uint32_t seq) {
        m_context.ledger.recordDelivery(c.client, static_cast<int>(seq), nowUs);
    });
}

} // namespace PushLab::Bench
