#include "utf8decoder.h"

namespace {

constexpr QChar replacementCharacter(0xFFFD);

void appendCodePoint(QString &out, char32_t codePoint) {
    if (codePoint < 0x10000) {
        out.append(QChar(char16_t(codePoint)));
    } else {
        out.append(QChar(QChar::highSurrogate(codePoint)));
        out.append(QChar(QChar::lowSurrogate(codePoint)));
    }
}

} // namespace

QString Utf8Decoder::decode(QByteArrayView bytes) {
    // Well-formed input (nearly every event) decodes the same either way, and Qt's is vectorised;
    // but QString::fromUtf8 also drops a leading BOM, which is text here.
    if (!bytes.startsWith("\xEF\xBB\xBF") && bytes.isValidUtf8())
        return QString::fromUtf8(bytes);
    Utf8Decoder decoder;
    QString out;
    out.reserve(bytes.size()); // never more UTF-16 units than bytes
    decoder.feed(bytes, out);
    decoder.finish(out);
    return out;
}

void Utf8Decoder::feed(QByteArrayView bytes, QString &out) {
    qsizetype pos = 0;
    const qsizetype size = bytes.size();
    while (pos < size) {
        if (m_bytesNeeded == 0) {
            // Runs of ASCII (most of any event stream) are copied as they are.
            qsizetype end = pos;
            while (end < size && uchar(bytes[end]) < 0x80)
                ++end;
            if (end > pos) {
                out.append(QLatin1StringView(bytes.data() + pos, end - pos));
                pos = end;
                continue;
            }
            const uchar byte = uchar(bytes[pos++]);
            if (byte >= 0xC2 && byte <= 0xDF) {
                m_bytesNeeded = 1;
                m_codePoint = byte & 0x1F;
            } else if (byte >= 0xE0 && byte <= 0xEF) {
                if (byte == 0xE0)
                    m_lowerBoundary = 0xA0; // no overlong forms
                else if (byte == 0xED)
                    m_upperBoundary = 0x9F; // no surrogates
                m_bytesNeeded = 2;
                m_codePoint = byte & 0x0F;
            } else if (byte >= 0xF0 && byte <= 0xF4) {
                if (byte == 0xF0)
                    m_lowerBoundary = 0x90; // no overlong forms
                else if (byte == 0xF4)
                    m_upperBoundary = 0x8F; // nothing above U+10FFFF
                m_bytesNeeded = 3;
                m_codePoint = byte & 0x07;
            } else {
                out.append(replacementCharacter); // a continuation byte, C0, C1 or F5..FF
            }
            continue;
        }
        const uchar byte = uchar(bytes[pos]);
        if (byte < m_lowerBoundary || byte > m_upperBoundary) {
            // The maximal subpart so far is one error; this byte starts over (not consumed).
            reset();
            out.append(replacementCharacter);
            continue;
        }
        ++pos;
        m_lowerBoundary = 0x80;
        m_upperBoundary = 0xBF;
        m_codePoint = (m_codePoint << 6) | (byte & 0x3F);
        if (++m_bytesSeen == m_bytesNeeded) {
            appendCodePoint(out, m_codePoint);
            reset();
        }
    }
}

void Utf8Decoder::finish(QString &out) {
    if (m_bytesNeeded != 0)
        out.append(replacementCharacter);
    reset();
}

void Utf8Decoder::reset() {
    m_codePoint = 0;
    m_bytesNeeded = 0;
    m_bytesSeen = 0;
    m_lowerBoundary = 0x80;
    m_upperBoundary = 0xBF;
}
