#pragma once

#include <QtCore/QObject>
#include <QtCore/QString>

#include <array>
#include <optional>

// The shared vocabulary of PushLab: the three ways a server pushes news.
namespace PushLab {
Q_NAMESPACE

enum class Pattern { ShortPoll, LongPoll, ServerSentEvents };
Q_ENUM_NS(Pattern)

inline constexpr std::array<Pattern, 3> allPatterns{Pattern::ShortPoll, Pattern::LongPoll,
                                                    Pattern::ServerSentEvents};

inline constexpr int patternIndex(Pattern p) {
    return static_cast<int>(p);
}

// Wire and command-line key: "short", "long", "sse".
QString patternKey(Pattern p);
std::optional<Pattern> patternFromKey(QStringView key);
// Human name: "Short poll", "Long poll", "SSE".
QString patternName(Pattern p);

} // namespace PushLab
