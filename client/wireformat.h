#pragma once

#include "trafficevent.h"

#include <QtCore/QByteArray>
#include <QtCore/QJsonObject>
#include <QtCore/QList>
#include <QtCore/QUrl>

#include <optional>

// Reading PushLab's JSON (the server's wire contract) on the client side.
namespace PushLab::Wire {

struct Gap {
    quint64 lastSeenId = 0;
    quint64 firstAvailableId = 0;
};

struct PollAnswer {
    QList<DeliveredMessage> messages;
    quint64 lastId = 0;
    std::optional<Gap> gap;
};

// {"id": n, "text": s, "publishedAt": µs}
std::optional<DeliveredMessage> messageFromJson(const QJsonObject &object);
std::optional<DeliveredMessage> messageFromJson(const QByteArray &json);
// {"messages": [...], "lastId": L[, "gap": {...}]}
std::optional<PollAnswer> pollAnswerFromJson(const QByteArray &json);
// {"lastSeenId": N, "firstAvailableId": F}
std::optional<Gap> gapFromJson(const QJsonObject &object);
std::optional<Gap> gapFromJson(const QByteArray &json);
// {"error": "..."} -> the sentence; empty if the body is not an error object.
QString errorFromJson(const QByteArray &json);
// A JSON number that must be a non-negative integer (ids, µs) exactly.
std::optional<quint64> unsignedFromJson(const QJsonValue &value);

// base + path (+ query), keeping any path prefix of the base URL: the API of a server origin.
QUrl apiUrl(const QUrl &base, const QString &path, const QString &query = {});

// "gap: ids after N and before F are not in the server's history (...)"
QString describeGap(const Gap &gap);
void applyGap(TrafficEvent &event, const Gap &gap);

} // namespace PushLab::Wire
