#include "pattern.h"

namespace PushLab {

QString patternKey(Pattern p) {
    switch (p) {
    case Pattern::ShortPoll:
        return QStringLiteral("short");
    case Pattern::LongPoll:
        return QStringLiteral("long");
    case Pattern::ServerSentEvents:
        return QStringLiteral("sse");
    case Pattern::WebSocket:
        return QStringLiteral("ws");
    }
    return {};
}

std::optional<Pattern> patternFromKey(QStringView key) {
    for (Pattern p : allPatterns) {
        if (key == patternKey(p))
            return p;
    }
    return std::nullopt;
}

QString patternName(Pattern p) {
    switch (p) {
    case Pattern::ShortPoll:
        return QStringLiteral("Short poll");
    case Pattern::LongPoll:
        return QStringLiteral("Long poll");
    case Pattern::ServerSentEvents:
        return QStringLiteral("SSE");
    case Pattern::WebSocket:
        return QStringLiteral("WebSocket");
    }
    return {};
}

} // namespace PushLab
