#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QString>
#include <QtCore/QUrl>
#include <QtCore/QUrlQuery>

#include <optional>

// A request's query items. A request from QHttpServer (or a WebSocket head) keeps its query
// as QUrlQuery, which decodes as QUrl does. The fast path's targets hold no percent-encoding,
// so there the raw bytes are kept and the items a poll asks for (`since`, `timeout`) are found
// in them by hand: building a QUrlQuery and looking a key up twice was a quarter of a short
// poll's instructions. For such bytes the two give the same answers; tst_requestinfo and
// fuzz_requestinfo compare them.
class QueryItems {
public:
    QueryItems() = default;
    explicit QueryItems(const QUrl &url);
    // `raw` is the target after '?', with no '%' in it (the fast path refuses those).
    static QueryItems plain(QByteArrayView raw);

    bool isEmpty() const;
    bool has(QLatin1StringView key) const;
    // The first item called `key`, decoded as QUrlQuery::queryItemValue does.
    QString value(QLatin1StringView key,
                  QUrl::ComponentFormattingOptions encoding = QUrl::PrettyDecoded) const;
    // The first item called `key` as digits that fit in 64 bits; nullopt when absent *or*
    // malformed (has() tells which).
    std::optional<quint64> unsignedValue(QLatin1StringView key) const;
    // The query as QUrlQuery::query() gives it.
    QString toString() const;

    // A message id or count as a query or header gives it: digits only, fits in 64 bits.
    static std::optional<quint64> parseUnsigned(const QString &text);

private:
    // Where the first item called `key` starts in m_plain (its value after '=' if any), or -1.
    qsizetype findPlain(QLatin1StringView key, QByteArrayView *value) const;
    QUrlQuery asUrlQuery() const;

    bool m_isPlain = false;
    QByteArray m_plain;
    QUrlQuery m_query;
};
