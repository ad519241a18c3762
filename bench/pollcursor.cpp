#include "pollcursor.h"

#include "benchclock.h"
#include "httpresponseparser.h"
#include "httptarget.h"
#include "requestwriter.h"
#include "wirecontract.h"

#include <cerrno>
#include <cstring>

#include <sys/socket.h>
#include <unistd.h>

namespace PushLab::Bench {

std::string PollCursor::lastIdOf(std::string_view body) {
    static const std::string key = '"' + std::string(Wire::Key::lastId) + '"';
    const auto at = body.find(key);
    if (at == std::string_view::npos)
        return {};
    std::size_t pos = at + key.size();
    while (pos < body.size() && (body[pos] == ' ' || body[pos] == ':' || body[pos] == '\t'))
        ++pos;
    const std::size_t begin = pos;
    while (pos < body.size() && body[pos] >= '0' && body[pos] <= '9')
        ++pos;
    return std::string(body.substr(begin, pos - begin));
}

bool PollCursor::fetch(const QUrl &url, std::string &lastId, std::string &error) {
    const auto target = HttpTarget::from(url);
    if (!target) {
        error = "bad --cursor-url";
        return false;
    }
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error = std::strerror(errno);
        return false;
    }
    timeval tv{5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (::connect(fd, reinterpret_cast<const sockaddr *>(&target->address),
                  sizeof target->address) != 0) {
        error = std::string("cursor: connect to ") + target->host + ": " + std::strerror(errno);
        ::close(fd);
        return false;
    }
    std::string request;
    RequestWriter::once(request, *target);
    if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) !=
        static_cast<ssize_t>(request.size())) {
        error = "cursor: send failed";
        ::close(fd);
        return false;
    }
    HttpResponseParser parser;
    std::string body;
    int status = 0;
    bool done = false;
    parser.setHandlers([&](const HttpResponseParser::Head &h) { status = h.status; },
                       [&](std::string_view d) { body.append(d); }, [&]() { done = true; });
    char buffer[16 * 1024];
    const std::int64_t deadline = monotonicUs() + 5'000'000;
    while (!done && monotonicUs() < deadline) {
        const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n <= 0) {
            if (n == 0)
                parser.finish();
            break;
        }
        if (!parser.feed(std::string_view(buffer, static_cast<std::size_t>(n))))
            break;
    }
    ::close(fd);
    if (!done || status != 200) {
        error = "cursor: no 200 answer from " + target->host + target->target;
        return false;
    }
    lastId = lastIdOf(body);
    if (lastId.empty()) {
        error = "cursor: no \"lastId\" in the answer of " + target->target;
        return false;
    }
    return true;
}

} // namespace PushLab::Bench
