#pragma once

#include <QtCore/QByteArrayView>

#include <cstring>

// RFC 9110's lexical rules, shared by the strict framer (RequestFramer) and the fast path's
// parser (RequestInfo::fromSimpleGet), so that the two never disagree on a byte.
namespace HttpSyntax {

inline bool isTokenChar(char ch) {
    if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9'))
        return true;
    switch (ch) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
        return true;
    default:
        return false;
    }
}

inline bool isToken(QByteArrayView s) {
    if (s.isEmpty())
        return false;
    for (const char ch : s) {
        if (!isTokenChar(ch))
            return false;
    }
    return true;
}

inline bool isControl(char ch) {
    const auto u = static_cast<unsigned char>(ch);
    return (u < 0x20 && ch != '\t') || u == 0x7f;
}

// A header name compared case-insensitively, sizes first: most header lines name none of the
// headers the server reads, and comparing each with each showed in every short poll's profile.
inline bool isHeaderName(QByteArrayView name, QByteArrayView wanted) {
    return name.size() == wanted.size() && name.compare(wanted, Qt::CaseInsensitive) == 0;
}

// The first `ch` in `s` at or after `from`, or -1: memchr. QByteArrayView::indexOf(char) goes
// through Qt's general substring search, which showed in every short poll's profile.
inline qsizetype find(QByteArrayView s, char ch, qsizetype from = 0) {
    if (from >= s.size())
        return -1;
    const void *hit = std::memchr(s.data() + from, ch, std::size_t(s.size() - from));
    return hit ? static_cast<const char *>(hit) - s.data() : -1;
}

} // namespace HttpSyntax
