#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QString>

// A published message together with its wire encodings, made once at publish time and
// shared (implicitly) by every response and stream that carries it.
struct Message {
    quint64 id = 0;
    QString text;
    qint64 publishedAtUs = 0;
    QByteArray json;         // {"id":..,"publishedAt":..,"text":..}
    QByteArray sseEvent;     // id: N\nevent: message\ndata: <json>\n\n
    QByteArray seedSseEvent; // id: N\ndata: <text line>\n...\n (the seed's /events)

    static Message make(quint64 id, const QString &text, qint64 publishedAtUs);
};
