#include "publishrequest.h"

#include "originpolicy.h"
#include "wirecontract.h"

#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QStringDecoder>

namespace {

HttpResponse tooLong() {
    return HttpResponse::error(413, QStringLiteral("A message may have at most %1 bytes of text.")
                                        .arg(PublishRequest::maxTextBytes));
}

} // namespace

std::optional<HttpResponse> PublishRequest::problemWith(const QString &text,
                                                        const QString &whenEmpty) {
    if (text.trimmed().isEmpty())
        return HttpResponse::error(400, whenEmpty);
    if (text.toUtf8().size() > maxTextBytes)
        return tooLong();
    return std::nullopt;
}

std::variant<QString, HttpResponse> PublishRequest::fromBody(const RequestInfo &info) {
    const QByteArray contentType = info.contentType.toLower();
    const QByteArray &body = info.body;
    const bool isJson = contentType.startsWith("application/json") ||
                        (!contentType.startsWith("text/plain") && body.trimmed().startsWith('{'));
    QString text;
    if (isJson) {
        QJsonParseError parseError{};
        const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
        if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
            return HttpResponse::error(
                400,
                QStringLiteral("The body is not valid JSON: %1.").arg(parseError.errorString()));
        }
        const QJsonValue value = doc.object().value(QLatin1String(PushLab::Wire::Key::text));
        if (!value.isString()) {
            return HttpResponse::error(400,
                                       QStringLiteral("The JSON body needs a string field \"%1\".")
                                           .arg(QLatin1String(PushLab::Wire::Key::text)));
        }
        text = value.toString();
    } else {
        if (body.size() > maxTextBytes)
            return tooLong();
        QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
        text = decoder.decode(body);
        if (decoder.hasError())
            return HttpResponse::error(400, QStringLiteral("The text is not valid UTF-8."));
    }
    if (auto problem = problemWith(text, QStringLiteral("The message text is empty.")))
        return std::move(*problem);
    return text;
}

std::variant<QString, HttpResponse> PublishRequest::fromSeedQuery(const RequestInfo &info) {
    const QString text = info.query.value(QLatin1StringView("message"), QUrl::FullyDecoded);
    if (auto problem = problemWith(text, QStringLiteral("Give the message as ?message=<text>.")))
        return std::move(*problem);
    return text;
}

std::variant<QString, HttpResponse> PublishRequest::textOf(const RequestInfo &info, bool seed) {
    if (seed)
        return fromSeedQuery(info);
    if (!OriginPolicy::sameOriginOrNone(info)) {
        return HttpResponse::error(
            403, QStringLiteral("Publishing from another origin (%1) is not allowed.")
                     .arg(QString::fromUtf8(info.origin)));
    }
    return fromBody(info);
}

HttpResponse PublishRequest::stored(const Message &m, bool seed) {
    if (seed)
        return HttpResponse(200)
            .body("text/plain; charset=utf-8", "published " + QByteArray::number(m.id) + '\n')
            .header("Access-Control-Allow-Origin", "*");
    return HttpResponse::json(201, m.json)
        .header("Location", "/api/messages?since=" + QByteArray::number(m.id - 1));
}

HttpResponse PublishRequest::unavailable(const QString &why) {
    return HttpResponse::error(
               503, QStringLiteral("The shared history cannot store messages now (%1); try again "
                                   "shortly.")
                        .arg(why))
        .header("Retry-After", "1");
}

HttpResponse PublishRequest::answerPost(const RequestInfo &info, const Publish &publish) {
    auto text = textOf(info, false);
    if (auto *problem = std::get_if<HttpResponse>(&text))
        return std::move(*problem);
    return stored(publish(std::get<QString>(text)), false);
}

HttpResponse PublishRequest::answerSeed(const RequestInfo &info, const Publish &publish) {
    auto text = textOf(info, true);
    if (auto *problem = std::get_if<HttpResponse>(&text))
        return std::move(*problem);
    return stored(publish(std::get<QString>(text)), true);
}
