#pragma once

#include <QtCore/QtGlobal>

#include <vector>

// Maps the timeline's time axis (client clock, µs since the Unix epoch) to pixels and back.
// A small immutable value: every change returns a new geometry, so a paint pass works from
// one consistent snapshot and the maths is tested without any widget.
class TimelineGeometry final {
public:
    static constexpr qint64 MinSpanUs = 1'000;             // 1 ms across the whole width
    static constexpr qint64 MaxSpanUs = 30LL * 60'000'000; // 30 min across the whole width
    static constexpr qint64 DefaultSpanUs = 10'000'000;    // 10 s

    TimelineGeometry() = default;
    // Shows [startUs, startUs + spanUs] on the pixels [left, left + width].
    TimelineGeometry(qint64 startUs, qint64 spanUs, double left, double width);

    qint64 startUs() const { return m_startUs; }
    qint64 spanUs() const { return m_spanUs; }
    qint64 endUs() const { return m_startUs + m_spanUs; }
    double left() const { return m_left; }
    double width() const { return m_width; }
    double right() const { return m_left + m_width; }

    double xForTime(qint64 us) const;
    qint64 timeForX(double x) const;
    // Width in pixels of a duration; and the duration that one pixel stands for.
    double pixelsFor(qint64 durationUs) const;
    double microsecondsPerPixel() const;

    bool containsTime(qint64 us) const { return us >= m_startUs && us <= endUs(); }
    bool overlaps(qint64 fromUs, qint64 toUs) const {
        return toUs >= m_startUs && fromUs <= endUs();
    }
    // Hit-testing: is the instant `us` drawn within `tolerancePx` of the pixel column x?
    bool hits(qint64 us, double x, double tolerancePx) const;

    // The same zoom, its right edge at nowUs: the live-follow view.
    TimelineGeometry endingAt(qint64 nowUs) const;
    // factor > 1 zooms in, < 1 zooms out; the instant under anchorX stays under anchorX.
    // The span is clamped to [MinSpanUs, MaxSpanUs].
    TimelineGeometry zoomed(double factor, double anchorX) const;
    // Dragging the content right by dx pixels shows earlier times.
    TimelineGeometry panned(double dx) const;
    TimelineGeometry withPixels(double left, double width) const;
    TimelineGeometry withSpan(qint64 spanUs) const; // keeps the right edge

    // Axis ticks: a "nice" step (1/2/5 × 10^n µs) at least minSpacingPx apart, and the
    // tick instants inside the visible range (multiples of the step).
    qint64 tickStepUs(double minSpacingPx) const;
    std::vector<qint64> ticks(double minSpacingPx) const;

    // Marks drawn closer than minApartPx hide each other: the messages one short-poll answer
    // brings arrive at the same instant, and five dots on one spot read as one. Runs of sorted
    // instants within minApartPx of their run's first, as index ranges [first, first + count).
    struct Cluster {
        size_t first = 0;
        size_t count = 0;
        friend bool operator==(const Cluster &a, const Cluster &b) {
            return a.first == b.first && a.count == b.count;
        }
    };
    std::vector<Cluster> clusters(const std::vector<qint64> &sortedUs, double minApartPx) const;

    // Text labels left-aligned at their x, newest first, on `rows` rows: each goes on the first
    // row where at least its minWidth fits before the next newer label on that row (and before
    // right), drawn at its full width or cut to the room; row -1 = left out (too crowded).
    struct Label {
        double x = 0;
        double fullWidth = 0;
        double minWidth = 0;
    };
    struct LabelSlot {
        int row = -1;
        double width = 0;
    };
    static std::vector<LabelSlot> placeLabels(const std::vector<Label> &newestFirst, int rows,
                                              double right, double gapPx);
    // The same, one label at a time (a painter can skip measuring what has no room anyway).
    class LabelPlacer final {
    public:
        LabelPlacer(int rows, double right, double gapPx);
        LabelSlot place(const Label &label);
        // Labels starting at x get at most this much room on any row.
        double roomAt(double x) const;

    private:
        std::vector<double> m_freeUntil;
        double m_gapPx = 0;
    };

    friend bool operator==(const TimelineGeometry &a, const TimelineGeometry &b) {
        return a.m_startUs == b.m_startUs && a.m_spanUs == b.m_spanUs && a.m_left == b.m_left &&
               a.m_width == b.m_width;
    }
    friend bool operator!=(const TimelineGeometry &a, const TimelineGeometry &b) {
        return !(a == b);
    }

private:
    qint64 m_startUs = 0;
    qint64 m_spanUs = DefaultSpanUs;
    double m_left = 0;
    double m_width = 1000;
};
