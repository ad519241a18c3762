#pragma once

#include "httpresponse.h"
#include "message.h"
#include "requestinfo.h"

#include <QtCore/QString>

#include <functional>
#include <optional>
#include <variant>

// What a publish request asks to publish: POST /api/messages takes the text as text/plain or
// as {"text": ...}; the seed's GET /updatemessage as ?message=. Either the text, or the error
// answer that explains why it cannot be published. No sockets: tested on their own.
class PublishRequest final {
public:
    static constexpr qint64 maxTextBytes = 64 * 1024;

    using Publish = std::function<Message(const QString &text)>;
    // POST /api/messages: 201 with the stored message, or why it was not published (403 from
    // another origin, 400, 413).
    static HttpResponse answerPost(const RequestInfo &info, const Publish &publish);
    // GET /updatemessage?message=: the seed's plain-text "published N".
    static HttpResponse answerSeed(const RequestInfo &info, const Publish &publish);

    // What a publish (the seed's when `seed`) asks to store, or the answer refusing it: the
    // two answers above, split around the storing, for a history that stores asynchronously.
    static std::variant<QString, HttpResponse> textOf(const RequestInfo &info, bool seed);
    static HttpResponse stored(const Message &m, bool seed);
    // 503: the history cannot store it now (`why`); nothing was published.
    static HttpResponse unavailable(const QString &why);

    // The body of a POST /api/messages.
    static std::variant<QString, HttpResponse> fromBody(const RequestInfo &info);
    // The query of a GET /updatemessage.
    static std::variant<QString, HttpResponse> fromSeedQuery(const RequestInfo &info);

private:
    // Why a message text cannot be published, or nothing when it can.
    static std::optional<HttpResponse> problemWith(const QString &text, const QString &whenEmpty);
};
