#include "wireformat.h"

#include "wirecontract.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonValue>

#include <cmath>

namespace PushLab::Wire {

namespace {

QJsonObject objectFrom(const QByteArray &json, bool *ok) {
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    *ok = error.error == QJsonParseError::NoError && document.isObject();
    return document.object();
}

} // namespace

std::optional<quint64> unsignedFromJson(const QJsonValue &value) {
    if (!value.isDouble())
        return std::nullopt;
    // Ids stay below 2^53 (the server's promise), so a double holds them exactly.
    const double d = value.toDouble();
    if (!(d >= 0) || d > 9007199254740992.0 || std::floor(d) != d)
        return std::nullopt;
    return static_cast<quint64>(d);
}

std::optional<DeliveredMessage> messageFromJson(const QJsonObject &object) {
    const auto id = unsignedFromJson(object.value(QLatin1String(Key::id)));
    const QJsonValue text = object.value(QLatin1String(Key::text));
    const auto publishedAt = unsignedFromJson(object.value(QLatin1String(Key::publishedAt)));
    if (!id || !text.isString() || !publishedAt)
        return std::nullopt;
    DeliveredMessage message;
    message.id = *id;
    message.text = text.toString();
    message.publishedAtUs = static_cast<qint64>(*publishedAt);
    return message;
}

std::optional<DeliveredMessage> messageFromJson(const QByteArray &json) {
    bool ok = false;
    const QJsonObject object = objectFrom(json, &ok);
    if (!ok)
        return std::nullopt;
    return messageFromJson(object);
}

std::optional<Gap> gapFromJson(const QJsonObject &object) {
    const auto lastSeen = unsignedFromJson(object.value(QLatin1String(Key::lastSeenId)));
    const auto firstAvailable =
        unsignedFromJson(object.value(QLatin1String(Key::firstAvailableId)));
    if (!lastSeen || !firstAvailable)
        return std::nullopt;
    return Gap{*lastSeen, *firstAvailable};
}

std::optional<Gap> gapFromJson(const QByteArray &json) {
    bool ok = false;
    const QJsonObject object = objectFrom(json, &ok);
    if (!ok)
        return std::nullopt;
    return gapFromJson(object);
}

std::optional<PollAnswer> pollAnswerFromJson(const QByteArray &json) {
    bool ok = false;
    const QJsonObject object = objectFrom(json, &ok);
    if (!ok)
        return std::nullopt;
    const QJsonValue messages = object.value(QLatin1String(Key::messages));
    const auto lastId = unsignedFromJson(object.value(QLatin1String(Key::lastId)));
    if (!messages.isArray() || !lastId)
        return std::nullopt;
    PollAnswer answer;
    answer.lastId = *lastId;
    const QJsonArray array = messages.toArray();
    answer.messages.reserve(array.size());
    for (const QJsonValue &value : array) {
        auto message = messageFromJson(value.toObject());
        if (!message)
            return std::nullopt;
        answer.messages.append(std::move(*message));
    }
    const QJsonValue gap = object.value(QLatin1String(Key::gap));
    if (gap.isObject())
        answer.gap = gapFromJson(gap.toObject());
    return answer;
}

QString errorFromJson(const QByteArray &json) {
    bool ok = false;
    const QJsonObject object = objectFrom(json, &ok);
    if (!ok)
        return {};
    return object.value(QLatin1String(Key::error)).toString();
}

QUrl apiUrl(const QUrl &base, const QString &path, const QString &query) {
    QUrl url = base;
    QString prefix = url.path();
    while (prefix.endsWith(QLatin1Char('/')))
        prefix.chop(1);
    url.setPath(prefix + path);
    url.setQuery(query.isEmpty() ? QString() : query);
    url.setFragment(QString());
    return url;
}

QString describeGap(const Gap &gap) {
    // The wire does not say which: messages that fell out of the history ring, or an id from an
    // earlier server run (the statistics tell the two apart by the ids that follow).
    return QStringLiteral("gap: ids after %1 and before %2 are not in the server's history "
                          "(dropped from it, or the server restarted)")
        .arg(gap.lastSeenId)
        .arg(gap.firstAvailableId);
}

void applyGap(TrafficEvent &event, const Gap &gap) {
    event.gapLastSeenId = gap.lastSeenId;
    event.gapFirstAvailableId = gap.firstAvailableId;
    if (!event.detail.isEmpty())
        event.detail += QLatin1String("; ");
    event.detail += describeGap(gap);
}

} // namespace PushLab::Wire
