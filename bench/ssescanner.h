#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace PushLab::Bench {

// The part of the WHATWG event-stream rules the load generator needs: lines end with LF, CRLF
// or CR (in any split), comments are skipped, `data:` lines are joined with LF, and a blank line
// dispatches the event (type and data). Bytes are fed as they arrive.
class SseScanner final {
public:
    using EventHandler = std::function<void(std::string_view type, std::string_view data)>;

    SseScanner() = default;
    explicit SseScanner(EventHandler onEvent)
        : m_onEvent(std::move(onEvent)) {}

    void setHandler(EventHandler onEvent) { m_onEvent = std::move(onEvent); }
    // Returns false when one line grows beyond maxLineLength (a broken stream).
    bool feed(std::string_view bytes);
    void reset();

    static constexpr std::size_t maxLineLength = 1024 * 1024;

private:
    void line(std::string_view text);

    std::string m_line;
    std::string m_type;
    std::string m_data;
    bool m_hasData = false;
    bool m_lastWasCr = false;
    EventHandler m_onEvent;
};

} // namespace PushLab::Bench
