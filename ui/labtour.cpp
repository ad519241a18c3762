#include "labtour.h"

#include <QtCore/QTimer>

const QList<LabTour::Scenario> &LabTour::scenarios() {
    static const QList<Scenario> list{
        {tr("4G: a burst of 5 messages"), QStringLiteral("4g"),
         tr("SSE and the WebSocket deliver each message about 85 ms (one way) after it was "
            "published. The long poll delivers the first the same way; the others wait for its "
            "next request to cross up and the answer to cross down — a round trip more — and "
            "come batched. The short poll waits for its next poll."),
         5, 20, 0},
        {tr("Flaky mobile: a drop every 10 s"), QStringLiteral("flaky"),
         tr("Every 10 s the link resets every connection (⚡). The streams notice, wait their "
            "retry delay and resume with Last-Event-ID or since; the long poll's HTTP client "
            "resends at once. Lost packets stall a lane for a retransmission (⚡ too). Every lane "
            "still ends with every message exactly once."),
         30, 1000, 0},
        {tr("Behind a buffering proxy"), QStringLiteral("buffering-proxy"),
         tr("The proxy holds each response until it has 4 KiB or the response ends. Poll "
            "answers end, so they pass; the SSE stream never ends, so it looks dead until about "
            "36 messages fill the buffer, then they all arrive at once. The WebSocket passes: "
            "proxies tunnel an upgraded connection."),
         60, 200, 0},
        {tr("1,000 short pollers with no news"), QStringLiteral("direct"),
         tr("A crowd of 1,000 short pollers, one request a second each, and nothing to say: "
            "the Crowd tab shows what they cost the server in requests and bytes for no news."),
         0, 0, 1000},
    };
    return list;
}

LabTour::LabTour(QObject *parent)
    : QObject(parent)
    , m_timer(new QTimer(this)) {
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, &LabTour::step);
}

void LabTour::start(int index) {
    if (index < 0 || index >= scenarios().size())
        return;
    m_index = index;
    m_sent = 0;
    const Scenario &s = scenarios()[index];
    Q_EMIT presetRequested(s.preset);
    Q_EMIT lessonChanged(QStringLiteral("%1 — %2").arg(s.title, s.lesson));
    m_timer->start(settleMs);
}

void LabTour::stop() {
    m_timer->stop();
    m_index = -1;
}

bool LabTour::isRunning() const {
    return m_index >= 0;
}

void LabTour::step() {
    if (m_index < 0)
        return;
    const Scenario &s = scenarios()[m_index];
    if (s.shortPollCrowd > 0) {
        Q_EMIT crowdRequested(s.shortPollCrowd);
        stop();
        return;
    }
    ++m_sent;
    Q_EMIT publishRequested(tr("%1 #%2").arg(s.title.section(QLatin1Char(':'), 0, 0)).arg(m_sent));
    if (m_sent < s.messages)
        m_timer->start(s.spacingMs);
    else
        stop();
}
