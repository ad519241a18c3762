#include "laneclients.h"

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
}

void LaneClients::setServer(const QUrl &url) {
    for (PatternClient *c : m_clients) {
        c->stop();
        c->setBaseUrl(url);
        c->start();
    }
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
