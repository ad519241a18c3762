#include "messagemarker.h"

#include <charconv>
#include <random>

namespace PushLab::Bench {

MessageMarker::MessageMarker(std::string runToken)
    : m_prefix("plb-" + runToken + '-') {}

std::string MessageMarker::text(std::uint32_t sequence) const {
    return m_prefix + std::to_string(sequence);
}

void MessageMarker::scan(std::string_view payload,
                         const std::function<void(std::uint32_t)> &found) const {
    std::size_t from = 0;
    while (true) {
        const auto at = payload.find(m_prefix, from);
        if (at == std::string_view::npos)
            return;
        const char *begin = payload.data() + at + m_prefix.size();
        const char *end = payload.data() + payload.size();
        std::uint32_t sequence = 0;
        const auto res = std::from_chars(begin, end, sequence);
        if (res.ec == std::errc() && res.ptr != begin) {
            found(sequence);
            from = static_cast<std::size_t>(res.ptr - payload.data());
        } else {
            from = at + m_prefix.size();
        }
    }
}

std::string MessageMarker::randomToken() {
    std::random_device device;
    std::uniform_int_distribution<std::uint32_t> dist;
    char buffer[9] = {};
    const auto res = std::to_chars(buffer, buffer + 8, dist(device) | 0x10000000u, 16);
    return std::string(buffer, res.ptr);
}

} // namespace PushLab::Bench
