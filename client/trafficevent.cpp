#include "trafficevent.h"

QString TrafficEvent::kindKey(Kind kind) {
    switch (kind) {
    case Kind::RequestSent:
        return QStringLiteral("request");
    case Kind::ResponseReceived:
        return QStringLiteral("response");
    case Kind::StreamOpened:
        return QStringLiteral("open");
    case Kind::EventReceived:
        return QStringLiteral("event");
    case Kind::ReconnectScheduled:
        return QStringLiteral("reconnect");
    case Kind::Error:
        return QStringLiteral("error");
    case Kind::Stopped:
        return QStringLiteral("stopped");
    case Kind::Link:
        return QStringLiteral("link");
    }
    return {};
}
