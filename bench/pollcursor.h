#pragma once

#include <QtCore/QUrl>

#include <string>
#include <string_view>

namespace PushLab::Bench {

// Where a poll goes on from: the "lastId" of a poll answer, and the server's current one.
class PollCursor final {
public:
    // The value of "lastId" in a JSON body, or empty.
    static std::string lastIdOf(std::string_view body);
    // A single blocking GET of url (5 s at most) before the crowd starts, so the polls begin
    // from the server's current lastId: a message published before a client's first request
    // reaches the server is still answered from the history (no loss at the start line).
    // False with `error` set when there is no such answer.
    static bool fetch(const QUrl &url, std::string &lastId, std::string &error);
};

} // namespace PushLab::Bench
