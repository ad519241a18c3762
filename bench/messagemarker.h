#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace PushLab::Bench {

// Names each message the bench publishes so a delivery can be recognised in any server's
// payload (PushLab's JSON, Nchan's raw body, an SSE data line): "plb-<run token>-<sequence>".
// The run token keeps messages of an earlier run, replayed from a server's history, from
// being counted.
class MessageMarker final {
public:
    explicit MessageMarker(std::string runToken);

    const std::string &runToken() const { return m_prefix; }
    std::string text(std::uint32_t sequence) const;
    // Calls `found` for every marker of this run in `payload`, in order.
    void scan(std::string_view payload, const std::function<void(std::uint32_t)> &found) const;

    static std::string randomToken();

private:
    std::string m_prefix; // "plb-<token>-"
};

} // namespace PushLab::Bench
