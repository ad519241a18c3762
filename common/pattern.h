#pragma once

#include <QtCore/QObject>
#include <QtCore/QString>

#include <array>
#include <cstddef>
#include <optional>

// The shared vocabulary of PushLab: the ways a server pushes news. The pattern set is data:
// this header is the one place that lists the patterns. Every `switch` over a Pattern names
// each value with no `default:` (the build makes -Wswitch an error), and per-pattern storage is
// a PatternMap, so adding a value is a compile error wherever it is not yet handled.
namespace PushLab {
Q_NAMESPACE

enum class Pattern { ShortPoll, LongPoll, ServerSentEvents, WebSocket };
Q_ENUM_NS(Pattern)

inline constexpr std::array<Pattern, 4> allPatterns{Pattern::ShortPoll, Pattern::LongPoll,
                                                    Pattern::ServerSentEvents, Pattern::WebSocket};
inline constexpr std::size_t patternCount = allPatterns.size();

// A pattern's place in allPatterns. A switch, not a cast: a value added to the enum and not
// here fails to build, and tst_pattern checks allPatterns against the enum's keys.
constexpr std::size_t patternOrdinal(Pattern p) {
    switch (p) {
    case Pattern::ShortPoll:
        return 0;
    case Pattern::LongPoll:
        return 1;
    case Pattern::ServerSentEvents:
        return 2;
    case Pattern::WebSocket:
        return 3;
    }
    return patternCount; // not reached for a valid value
}

namespace Detail {
constexpr bool ordinalsMatchList() {
    for (std::size_t i = 0; i < patternCount; ++i) {
        if (patternOrdinal(allPatterns[i]) != i)
            return false;
    }
    return true;
}
} // namespace Detail
static_assert(Detail::ordinalsMatchList(), "allPatterns and patternOrdinal disagree");

// One T per pattern, indexed by Pattern (never by a bare int). Value-initialised.
template <typename T>
class PatternMap final {
public:
    constexpr PatternMap() = default;

    constexpr T &operator[](Pattern p) { return m_values[patternOrdinal(p)]; }
    constexpr const T &operator[](Pattern p) const { return m_values[patternOrdinal(p)]; }

    // Calls f(Pattern, T&) for each pattern in allPatterns order.
    template <typename F>
    constexpr void forEach(F &&f) {
        for (Pattern p : allPatterns)
            f(p, (*this)[p]);
    }
    template <typename F>
    constexpr void forEach(F &&f) const {
        for (Pattern p : allPatterns)
            f(p, (*this)[p]);
    }

    // The values alone, in allPatterns order (for sums and range-for).
    constexpr auto begin() { return m_values.begin(); }
    constexpr auto end() { return m_values.end(); }
    constexpr auto begin() const { return m_values.begin(); }
    constexpr auto end() const { return m_values.end(); }

    friend constexpr bool operator==(const PatternMap &a, const PatternMap &b) {
        return a.m_values == b.m_values;
    }
    friend constexpr bool operator!=(const PatternMap &a, const PatternMap &b) { return !(a == b); }

private:
    std::array<T, patternCount> m_values{};
};

// Wire and command-line key: "short", "long", "sse", "ws".
QString patternKey(Pattern p);
std::optional<Pattern> patternFromKey(QStringView key);
// Human name: "Short poll", "Long poll", "SSE", "WebSocket".
QString patternName(Pattern p);

} // namespace PushLab
