#pragma once

#include "httpresponse.h"
#include "requestinfo.h"
#include "routetable.h"

#include <QtCore/QStringList>

#include <optional>

// Which requests may change the server's state. Browsers name the page's origin on a POST;
// curl and our own clients send none. A page from elsewhere must not publish into (or close
// the streams of) a user's local demo.
class OriginPolicy final {
public:
    // No Origin, or the Origin is this server (http or https on the Host the request names).
    static bool sameOriginOrNone(const RequestInfo &info);
    // What the best dev servers refuse before any route answers (403 with a JSON error): a Host
    // that is not an IP address, localhost (or *.localhost) or a name in `allowedHosts`, which
    // is how DNS rebinding reaches a local server from any web page; and the seed's mutating
    // GET /updatemessage from another site (an <img src> on any page); and a WebSocket from
    // another origin (browsers apply no CORS to one). Nothing when allowed.
    static std::optional<HttpResponse> refusal(const RequestInfo &info, Route route,
                                               const QStringList &allowedHosts);
    // The host name a Host header names, without its port (an IPv6 literal without brackets).
    static QString hostName(const QByteArray &host);
};
