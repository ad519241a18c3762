#include "routetable.h"

#include "wirecontract.h"

#include <QtCore/QHash>

namespace {

constexpr RouteTable::Entry table[] = {
    // path                  route                 GET    POST   fast
    {"/api/messages", Route::Messages, true, true, true},
    {"/api/messages/wait", Route::Wait, true, false, true},
    {"/api/events", Route::Events, true, false, true},
    {"/api/stats", Route::Stats, true, false, false},
    {"/api/streams/close", Route::CloseStreams, false, true, false},
    {"/getmessage", Route::SeedGet, true, false, true},
    {"/updatemessage", Route::SeedUpdate, true, false, false},
    {"/events", Route::SeedEvents, true, false, true},
    {PushLab::Wire::webSocketPath, Route::WebSocket, true, false, false},
};

} // namespace

const RouteTable::Entry *RouteTable::entry(Route route) {
    for (const Entry &e : table) {
        if (e.route == route)
            return &e;
    }
    return nullptr;
}

Route RouteTable::find(const QString &path) {
    static const QHash<QString, Route> routes = [] {
        QHash<QString, Route> byPath;
        for (const Entry &e : table)
            byPath.insert(QString::fromLatin1(e.path), e.route);
        return byPath;
    }();
    return routes.value(path, Route::None);
}

bool RouteTable::allows(Route route, RequestInfo::Method method) {
    const Entry *e = entry(route);
    if (!e)
        return false;
    switch (method) {
    case RequestInfo::Method::Get:
        return e->get;
    case RequestInfo::Method::Post:
        return e->post;
    case RequestInfo::Method::Head:
    case RequestInfo::Method::Options:
    case RequestInfo::Method::Other:
        return false;
    }
    return false;
}

QByteArray RouteTable::allowHeader(Route route) {
    const Entry *e = entry(route);
    QByteArray methods;
    if (e && e->get)
        methods += "GET, ";
    if (e && e->post)
        methods += "POST, ";
    return methods + "OPTIONS";
}

std::optional<HttpResponse> RouteTable::answerForMethod(Route route, const RequestInfo &info) {
    if (info.method != RequestInfo::Method::Options && allows(route, info.method))
        return std::nullopt; // the usual case: a handler answers (nothing built per request)
    const QByteArray allowed = allowHeader(route);
    if (info.method == RequestInfo::Method::Options) {
        HttpResponse r(204);
        r.header("Allow", allowed)
            .header("Access-Control-Allow-Origin", "*")
            .header("Access-Control-Allow-Methods", allowed)
            .header("Access-Control-Allow-Headers", "Content-Type, Last-Event-ID, Cache-Control")
            .header("Access-Control-Max-Age", "600");
        return r;
    }
    HttpResponse r =
        HttpResponse::error(405, QStringLiteral("%1 is not allowed on %2; allowed: %3.")
                                     .arg(QString::fromLatin1(info.methodName), info.path,
                                          QString::fromLatin1(allowed)));
    r.header("Allow", allowed);
    // A HEAD answer never has a body: one would be read as the start of the next response.
    r.omitBody(info.method == RequestInfo::Method::Head);
    return r;
}

const QList<QByteArrayView> &RouteTable::fastPaths() {
    static const QList<QByteArrayView> paths = [] {
        QList<QByteArrayView> list;
        for (const Entry &e : table) {
            if (e.fast)
                list.append(QByteArrayView(e.path));
        }
        return list;
    }();
    return paths;
}
