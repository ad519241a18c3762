#include "queryitems.h"

#include "httpsyntax.h"

QueryItems::QueryItems(const QUrl &url) {
    if (url.hasQuery())
        m_query = QUrlQuery(url);
}

QueryItems QueryItems::plain(QByteArrayView raw) {
    QueryItems items;
    items.m_isPlain = true;
    items.m_plain = raw.toByteArray();
    return items;
}

bool QueryItems::isEmpty() const {
    return m_isPlain ? m_plain.isEmpty() : m_query.isEmpty();
}

qsizetype QueryItems::findPlain(QLatin1StringView key, QByteArrayView *value) const {
    const QByteArrayView all(m_plain);
    const QByteArrayView wanted(key.data(), key.size());
    qsizetype pos = 0;
    while (pos <= all.size()) {
        qsizetype end = HttpSyntax::find(all, '&', pos);
        if (end < 0)
            end = all.size();
        const QByteArrayView item = all.sliced(pos, end - pos);
        const qsizetype equals = HttpSyntax::find(item, '=');
        const QByteArrayView name = equals < 0 ? item : item.first(equals);
        if (!item.isEmpty() && name == wanted) {
            *value = equals < 0 ? QByteArrayView() : item.sliced(equals + 1);
            return pos;
        }
        pos = end + 1;
    }
    return -1;
}

QUrlQuery QueryItems::asUrlQuery() const {
    return m_isPlain ? QUrlQuery(QString::fromLatin1(m_plain)) : m_query;
}

bool QueryItems::has(QLatin1StringView key) const {
    if (!m_isPlain)
        return m_query.hasQueryItem(key);
    QByteArrayView value;
    return findPlain(key, &value) >= 0;
}

QString QueryItems::value(QLatin1StringView key, QUrl::ComponentFormattingOptions encoding) const {
    return asUrlQuery().queryItemValue(key, encoding);
}

std::optional<quint64> QueryItems::unsignedValue(QLatin1StringView key) const {
    if (!m_isPlain)
        return parseUnsigned(m_query.queryItemValue(key));
    QByteArrayView value;
    if (findPlain(key, &value) < 0 || value.isEmpty() || value.size() > 20)
        return std::nullopt;
    quint64 n = 0;
    for (const char ch : value) {
        if (ch < '0' || ch > '9')
            return std::nullopt;
        // Nineteen digits always fit in 64 bits; only a twentieth can overflow.
        if (value.size() < 20) {
            n = n * 10 + quint64(ch - '0');
        } else if (__builtin_mul_overflow(n, quint64(10), &n) ||
                   __builtin_add_overflow(n, quint64(ch - '0'), &n)) {
            return std::nullopt;
        }
    }
    return n;
}

QString QueryItems::toString() const {
    return asUrlQuery().query();
}

std::optional<quint64> QueryItems::parseUnsigned(const QString &text) {
    if (text.isEmpty() || text.size() > 20)
        return std::nullopt;
    for (QChar ch : text) {
        if (ch < u'0' || ch > u'9')
            return std::nullopt;
    }
    bool ok = false;
    const quint64 value = text.toULongLong(&ok);
    return ok ? std::optional<quint64>(value) : std::nullopt;
}
