#include "pollencoder.h"

#include "wirecontract.h"

namespace Wire = PushLab::Wire;

QByteArray PollEncoder::gapJson(const MessageLog::Gap &gap) {
    using Reason = MessageLog::Gap::Reason;
    const char *reason = Wire::GapReason::evicted;
    switch (gap.reason) {
    case Reason::Evicted:
        break;
    case Reason::EarlierRun:
        reason = Wire::GapReason::restart;
        break;
    case Reason::Unknown:
        reason = Wire::GapReason::unknown;
        break;
    }
    const auto key = [](const char *name) -> QByteArray {
        return QByteArray("\"") + name + "\":";
    };
    return '{' + key(Wire::Key::lastSeenId) + QByteArray::number(gap.lastSeenId) + ',' +
           key(Wire::Key::firstAvailableId) + QByteArray::number(gap.firstAvailableId) + ',' +
           key(Wire::Key::reason) + '"' + reason + "\"}";
}

QByteArray PollEncoder::body(const MessageLog &log, quint64 since, int *count) {
    // The keys, spelled once (this is a hot path: no per-call concatenation of them).
    static const QByteArray open = QByteArray("{\"") + Wire::Key::messages + "\":[";
    static const QByteArray lastId = QByteArray("],\"") + Wire::Key::lastId + "\":";
    static const QByteArray gapKey = QByteArray(",\"") + Wire::Key::gap + "\":";
    const auto gap = log.gapAfter(since);
    const quint64 from = gap ? gap->firstAvailableId - 1 : since;
    QByteArray out = open;
    int n = 0;
    log.forEachAfter(from, [&](const Message &m) {
        if (n++)
            out += ',';
        out += m.json;
    });
    out += lastId + QByteArray::number(log.lastId());
    if (gap)
        out += gapKey + gapJson(*gap);
    out += '}';
    if (count)
        *count = n;
    return out;
}

HttpResponse PollEncoder::uncached(HttpResponse response) {
    response.header("Cache-Control", "no-store").header("Access-Control-Allow-Origin", "*");
    return response;
}

HttpResponse PollEncoder::answer(const MessageLog &log, quint64 since, int *count) {
    return uncached(HttpResponse::json(200, body(log, since, count)));
}

HttpResponse PollEncoder::timedOut(quint64 lastId) {
    return uncached(HttpResponse(204)).header(Wire::lastIdHeader, QByteArray::number(lastId));
}

HttpResponse PollEncoder::badSince() {
    return HttpResponse::error(
        400, QStringLiteral("since must be a message id (a non-negative integer)."));
}

HttpResponse PollEncoder::seedText(const QByteArray &text) {
    HttpResponse response(200);
    response.body("text/plain; charset=utf-8", text)
        .header("Cache-Control", "no-cache")
        .header("Access-Control-Allow-Origin", "*");
    return response;
}
