#include "laneclients.h"

#include "linklab.h"
#include "longpollclient.h"
#include "shortpollclient.h"
#include "sseclient.h"
#include "trafficevent.h"
#include "websocketclient.h"

#include <QtCore/QUrl>

using PushLab::Pattern;

LaneClients::LaneClients(QObject *parent)
    : QObject(parent)
    , m_short(new ShortPollClient(this))
    , m_long(new LongPollClient(this))
    , m_sse(new SseClient(this))
    , m_ws(new WebSocketClient(this)) {
    m_clients[Pattern::ShortPoll] = m_short;
    m_clients[Pattern::LongPoll] = m_long;
    m_clients[Pattern::ServerSentEvents] = m_sse;
    m_clients[Pattern::WebSocket] = m_ws;
    m_clients.forEach([this](Pattern p, PatternClient *c) {
        connect(c, &PatternClient::trafficEvent, this, [this](const TrafficEvent &event) {
            m_stats[event.pattern].add(event);
            Q_EMIT trafficEvent(event);
        });
        connect(c, &PatternClient::runningChanged, this,
                [this, p](bool running) { Q_EMIT runningChanged(p, running); });
    });
}

LaneClients::~LaneClients() {
    // The clients are children, deleted after this body and after m_stats: whatever they emit
    // while dying (Stopped) must not reach us.
    for (PatternClient *c : m_clients)
        c->disconnect(this);
    if (m_lab)
        m_lab->disconnect(this);
}

void LaneClients::setServer(const QUrl &url) {
    m_server = url;
    if (m_lab)
        m_lab->start(url, nullptr); // the relays listen already: this only moves them
    m_clients.forEach([this, &url](Pattern p, PatternClient *c) {
        c->stop();
        c->setBaseUrl(m_link[p] && m_lab ? m_lab->url(p) : url);
        c->start();
    });
}

bool LaneClients::setLink(Pattern p, const std::optional<LinkConditions> &conditions,
                          QString *error) {
    if (conditions && !m_lab) {
        m_lab = new LinkLab(this);
        connect(m_lab, &LinkLab::linkEvent, this, [this](const TrafficEvent &event) {
            m_stats[event.pattern].add(event);
            Q_EMIT trafficEvent(event);
        });
        if (!m_lab->start(m_server, error)) {
            delete m_lab;
            m_lab = nullptr;
            return false;
        }
    }
    const bool routeChanged = conditions.has_value() != m_link[p].has_value();
    m_link[p] = conditions;
    if (conditions)
        m_lab->setConditions(p, *conditions);
    if (routeChanged && !m_server.isEmpty()) {
        PatternClient *c = m_clients[p];
        const bool wasRunning = c->isRunning();
        c->stop();
        c->setBaseUrl(conditions ? m_lab->url(p) : m_server);
        if (wasRunning)
            c->start();
    }
    return true;
}

void LaneClients::dropLink(Pattern p, LinkConditions::DropMode mode) {
    if (m_lab && m_link[p])
        m_lab->dropNow(p, mode);
}

void LaneClients::stopAll() {
    for (PatternClient *c : m_clients)
        c->stop();
}

void LaneClients::applySetting(Pattern p, int value) {
    switch (p) {
    case Pattern::ShortPoll:
        m_short->setIntervalMs(value);
        break;
    case Pattern::LongPoll:
        m_long->setTimeoutSeconds(value);
        break;
    case Pattern::ServerSentEvents:
        m_sse->setReconnectDelayOverrideMs(value);
        break;
    case Pattern::WebSocket:
        m_ws->setReconnectDelayMs(value);
        break;
    }
}

int LaneClients::sseReconnectDelayMs() const {
    return m_sse->reconnectDelayMs();
}

void LaneClients::clearStats() {
    for (LatencyStats &s : m_stats)
        s.clear();
}
