// The fast path's request reader, fed arbitrary bytes as they might sit in a socket buffer.
// Whatever it accepts must be a whole plain GET of a fast route inside the bytes it was given,
// and accepting the same request again from exactly those bytes must give the same answer.
#include "requestframer.h"
#include "requestinfo.h"
#include "routetable.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace {

void require(bool condition, const char *what) {
    if (!condition) {
        std::fprintf(stderr, "fuzz_requestinfo: invariant broken: %s\n", what);
        std::abort();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    const QByteArrayView bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    const QList<QByteArrayView> &paths = RouteTable::fastPaths();
    qsizetype length = -1;
    const std::optional<RequestInfo> info = RequestInfo::fromSimpleGet(bytes, paths, &length);
    if (!info)
        return 0;
    require(length > 0 && length <= bytes.size(), "0 < length <= bytes.size()");
    require(info->method == RequestInfo::Method::Get, "the method is GET");
    require(info->methodName == "GET", "the method name is GET");
    require(paths.contains(QByteArrayView(info->path.toLatin1())), "the path is a fast path");
    require(RouteTable::find(info->path) != Route::None, "the path is a route");
    require(info->headerBytes == length, "headerBytes is the request's length");
    require(info->body.isEmpty(), "no body");
    require(bytes.first(length).endsWith("\r\n\r\n"), "the request ends with an empty line");
    // The fast path answers it without the framer's check: the framer must pass it too.
    require(!std::holds_alternative<RequestFramer::Problem>(
                RequestFramer::checkHead(bytes.first(length))),
            "RequestFramer::checkHead passes what the fast path takes");

    // The request alone, without what followed it, reads the same.
    qsizetype againLength = -1;
    const std::optional<RequestInfo> again =
        RequestInfo::fromSimpleGet(bytes.first(length), paths, &againLength);
    require(again.has_value(), "the request alone is accepted too");
    require(againLength == length, "the request alone has the same length");
    require(again->path == info->path && again->query.toString() == info->query.toString() &&
                again->host == info->host && again->origin == info->origin &&
                again->connection == info->connection && again->lastEventId == info->lastEventId,
            "the request alone has the same fields");

    // The items a poll reads by hand read as QUrlQuery reads them.
    const QUrlQuery reference(info->query.toString());
    for (const QLatin1StringView key : {QLatin1StringView("since"), QLatin1StringView("timeout")}) {
        require(info->query.has(key) == reference.hasQueryItem(key), "has() is QUrlQuery's");
        require(info->query.unsignedValue(key) ==
                    QueryItems::parseUnsigned(reference.queryItemValue(key)),
                "unsignedValue() is QUrlQuery's");
    }
    return 0;
}
