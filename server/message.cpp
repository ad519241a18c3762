#include "message.h"

#include "wirecontract.h"

#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QRegularExpression>

Message Message::make(quint64 id, const QString &text, qint64 publishedAtUs) {
    Message m;
    m.id = id;
    m.text = text;
    m.publishedAtUs = publishedAtUs;
    namespace Key = PushLab::Wire::Key;
    const QJsonObject object{{QLatin1String(Key::id), qint64(id)},
                             {QLatin1String(Key::text), text},
                             {QLatin1String(Key::publishedAt), publishedAtUs}};
    m.json = QJsonDocument(object).toJson(QJsonDocument::Compact);
    const QByteArray idLine = "id: " + QByteArray::number(id) + '\n';
    m.sseEvent = idLine + "event: " + PushLab::Wire::messageEvent + "\ndata: " + m.json + "\n\n";

    // The seed's stream carries the bare text; a line break inside it would end the field,
    // so each line becomes its own data: field (the client joins them with LF again).
    static const QRegularExpression lineBreak(QStringLiteral("\r\n|\r|\n"));
    QByteArray seed = idLine;
    const QStringList lines = text.split(lineBreak);
    for (const QString &line : lines)
        seed += "data: " + line.toUtf8() + '\n';
    m.seedSseEvent = seed + '\n';
    return m;
}
