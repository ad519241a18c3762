#pragma once

#include "requestinfo.h"

// Which requests may change the server's state. Browsers name the page's origin on a POST;
// curl and our own clients send none. A page from elsewhere must not publish into (or close
// the streams of) a user's local demo.
class OriginPolicy final {
public:
    // No Origin, or the Origin is this server (http or https on the Host the request names).
    static bool sameOriginOrNone(const RequestInfo &info);
};
