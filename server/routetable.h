#pragma once

#include "httpresponse.h"
#include "requestinfo.h"

#include <QtCore/QByteArray>
#include <QtCore/QByteArrayView>
#include <QtCore/QList>
#include <QtCore/QString>

#include <optional>

// Every route the server answers, once, with the methods each allows as columns. Dispatch,
// the 405 and OPTIONS answers and the fast path's list of paths all read this one table.
enum class Route {
    None,
    Messages,
    Wait,
    Events,
    Stats,
    CloseStreams,
    SeedGet,
    SeedUpdate,
    SeedEvents,
    WebSocket
};

class RouteTable final {
public:
    struct Entry {
        const char *path;
        Route route;
        bool get;  // GET (and HEAD where the route is static; never on these routes)
        bool post; // POST
        bool fast; // a GET the fast path answers (polls and streams)
    };

    static Route find(const QString &path);
    static bool allows(Route route, RequestInfo::Method method);
    // A request on `route` with `method` publishes (and reads no history).
    static bool publishes(Route route, RequestInfo::Method method) {
        return route == Route::SeedUpdate ||
               (route == Route::Messages && method == RequestInfo::Method::Post);
    }
    // The Allow header's value: the route's methods plus OPTIONS (every route has a preflight).
    static QByteArray allowHeader(Route route);
    // The answer when the method is not the route's own: a CORS preflight (OPTIONS) or 405.
    // Nothing when a handler should answer.
    static std::optional<HttpResponse> answerForMethod(Route route, const RequestInfo &info);
    // The paths of the fast routes, for RequestInfo::fromSimpleGet.
    static const QList<QByteArrayView> &fastPaths();

private:
    static const Entry *entry(Route route);
};
