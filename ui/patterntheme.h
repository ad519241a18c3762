#pragma once

#include "pattern.h"

#include <QtGui/QBrush>
#include <QtGui/QColor>

// The window's small named theme. Each pattern has one fixed colour, used for its lane, its
// counts, its log rows and its legend; nothing else in ui/ spells a colour literal.
class PatternTheme final {
public:
    static QColor color(PushLab::Pattern p);
    // The same hue, faded: empty poll answers and other "nothing happened" traffic.
    static QColor mutedColor(PushLab::Pattern p);
    // A light wash of the hue for lane backgrounds and table rows.
    static QColor tint(PushLab::Pattern p);

    // `over` composited on `under`, as an opaque colour. Qt's raster engine hands every
    // semi-transparent span batch to a thread pool: a thousand translucent one-pixel lines cost
    // ~50 ms a frame, the same lines opaque ~1.5 ms. Dense marks are drawn with these.
    static QColor opaque(const QColor &over, const QColor &under);
    // A lane's background: its tint over the timeline background.
    static QColor laneBackground(PushLab::Pattern p);
    // A request still waiting for its answer (a parked long poll): the hue in opaque stripes.
    static QBrush waitingBrush(PushLab::Pattern p);

    static QColor publishGuide();   // the vertical line at a message's publish moment
    static QColor errorColor();     // errors, gaps
    static QColor reconnectColor(); // scheduled reconnects
    static QColor linkColor();      // what the network lab's link did (drops, stalls, proxies)
    static QColor timelineBackground();
    static QColor laneSeparator();
    static QColor gridLine();
    static QColor axisText();
    static QColor pausedBanner();
};
