#pragma once

#include <QtCore/QByteArrayView>
#include <QtCore/QString>

// The UTF-8 decoder of the WHATWG Encoding Standard, as browsers decode an event stream: each
// ill-formed subsequence becomes one U+FFFD per maximal subpart (Unicode ch. 3, "U+FFFD
// substitution of maximal subparts"), and the result does not depend on how the bytes are split
// between calls. A BOM is not stripped here (the caller knows where a stream starts).
class Utf8Decoder final {
public:
    // A whole byte sequence; an incomplete sequence at its end is one U+FFFD.
    static QString decode(QByteArrayView bytes);

    // Appends what these bytes complete to out; an incomplete sequence at the end waits for the
    // next call.
    void feed(QByteArrayView bytes, QString &out);
    // End of input: an incomplete sequence becomes one U+FFFD.
    void finish(QString &out);
    bool hasPartialSequence() const { return m_bytesNeeded != 0; }

private:
    void reset();

    char32_t m_codePoint = 0;
    int m_bytesNeeded = 0;
    int m_bytesSeen = 0;
    uchar m_lowerBoundary = 0x80;
    uchar m_upperBoundary = 0xBF;
};
