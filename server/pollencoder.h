#pragma once

#include "httpresponse.h"
#include "messagelog.h"

#include <QtCore/QByteArray>

// The polls' answers, encoded from the history alone (no sockets): tested on their own.
class PollEncoder final {
public:
    // {"lastSeenId":..,"firstAvailableId":..,"reason":".."}
    static QByteArray gapJson(const MessageLog::Gap &gap);
    // {"messages":[...],"lastId":L[,"gap":{...}]}: what a client that has seen `since` lacks.
    // *count (when given) is the number of messages in it.
    static QByteArray body(const MessageLog &log, quint64 since, int *count = nullptr);
    // A GET answer that is never cached and may be read from any origin (polls, stats).
    static HttpResponse uncached(HttpResponse response);
    // 200 with body(log, since), uncached.
    static HttpResponse answer(const MessageLog &log, quint64 since, int *count = nullptr);
    // A long poll's 204 after its timeout: X-Last-Id says where "now" is, so a client that
    // started without `since` misses nothing published before its next request.
    static HttpResponse timedOut(quint64 lastId);
    static HttpResponse badSince();
    // The seed demo's plain-text answers (GET /getmessage, /updatemessage).
    static HttpResponse seedText(const QByteArray &text);
};
