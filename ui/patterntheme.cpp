#include "patterntheme.h"

using PushLab::Pattern;

QColor PatternTheme::color(Pattern p) {
    // Chosen to stay apart for the common colour-vision deficiencies (orange / blue / green /
    // purple of different lightness) and to read on a light background.
    switch (p) {
    case Pattern::ShortPoll:
        return QColor(0xe0, 0x7b, 0x10); // orange
    case Pattern::LongPoll:
        return QColor(0x2f, 0x6f, 0xd0); // blue
    case Pattern::ServerSentEvents:
        return QColor(0x1f, 0x9a, 0x5b); // green
    case Pattern::WebSocket:
        return QColor(0x9b, 0x3f, 0xb5); // purple
    }
    return QColor(Qt::gray);
}

QColor PatternTheme::mutedColor(Pattern p) {
    QColor c = color(p);
    c.setAlpha(70);
    return c;
}

QColor PatternTheme::tint(Pattern p) {
    QColor c = color(p);
    c.setAlpha(22);
    return c;
}

QColor PatternTheme::opaque(const QColor &over, const QColor &under) {
    const double a = over.alphaF();
    const auto mix = [a](double o, double u) {
        return o * a + u * (1 - a);
    };
    return QColor::fromRgbF(float(mix(over.redF(), under.redF())),
                            float(mix(over.greenF(), under.greenF())),
                            float(mix(over.blueF(), under.blueF())));
}

QColor PatternTheme::laneBackground(Pattern p) {
    return opaque(tint(p), timelineBackground());
}

QBrush PatternTheme::waitingBrush(Pattern p) {
    return QBrush(color(p), Qt::BDiagPattern);
}

QColor PatternTheme::publishGuide() {
    return QColor(0x3a, 0x40, 0x4c);
}
QColor PatternTheme::errorColor() {
    return QColor(0xd0, 0x34, 0x34);
}
QColor PatternTheme::reconnectColor() {
    return QColor(0x8a, 0x4f, 0xc8);
}
QColor PatternTheme::linkColor() {
    return QColor(0xd9, 0x7a, 0x00);
}
QColor PatternTheme::timelineBackground() {
    return QColor(0xfb, 0xfb, 0xfc);
}
QColor PatternTheme::laneSeparator() {
    return QColor(0xd4, 0xd7, 0xdd);
}
QColor PatternTheme::gridLine() {
    return QColor(0xea, 0xec, 0xf0);
}
QColor PatternTheme::axisText() {
    return QColor(0x5b, 0x61, 0x6e);
}
QColor PatternTheme::pausedBanner() {
    return QColor(0xff, 0xf4, 0xce);
}
