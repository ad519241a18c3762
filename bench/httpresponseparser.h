#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace PushLab::Bench {

// Incremental HTTP/1.1 response parser for the load generator: fed raw socket bytes however
// they are split, it reports the status line and headers once, the body as it arrives
// (Content-Length, chunked, or until the connection closes), and the end of each response so
// a keep-alive connection can carry the next one. After a 101 (a WebSocket), every byte that
// follows is body, until the connection closes. Only what the bench needs is kept.
class HttpResponseParser final {
public:
    struct Head {
        int status = 0;
        std::int64_t contentLength = -1; // -1: none given
        bool chunked = false;
        bool connectionClose = false;
        std::string contentType;
        std::string lastModified;
        std::string etag;
    };

    using HeadHandler = std::function<void(const Head &)>;
    using BodyHandler = std::function<void(std::string_view)>;
    using CompleteHandler = std::function<void()>;

    HttpResponseParser() = default;

    void setHandlers(HeadHandler onHead, BodyHandler onBody, CompleteHandler onComplete);

    // Feeds bytes; returns false on a protocol error (the connection should be dropped).
    bool feed(std::string_view data);
    // The peer closed the connection: completes a body that runs until close.
    // Returns false if a response was cut short.
    bool finish();

    // True between the first byte of a response and its end.
    bool inResponse() const { return m_state != State::StatusLine || !m_line.empty(); }
    const Head &head() const { return m_head; }
    // Bytes the parser holds back (partial lines); bounded.
    std::size_t bufferedBytes() const { return m_line.size(); }

    static constexpr std::size_t maxLineLength = 16 * 1024;

private:
    enum class State { StatusLine, Header, Body, ChunkSize, ChunkData, ChunkDataEnd, Trailer };

    bool takeLine(std::string_view &data, std::string &line, bool &complete);
    // A whole line in one of the line states: false on a protocol error.
    bool lineEnded(std::string_view line);
    bool statusLine(std::string_view line);
    bool headerLine(std::string_view line);
    bool chunkSize(std::string_view line);
    // Hands body bytes (at most m_remaining) to the handler; true when none remain.
    bool passBody(std::string_view &data);
    bool startBody();
    void complete();

    State m_state = State::StatusLine;
    std::string m_line;
    Head m_head;
    std::int64_t m_remaining = 0;
    bool m_untilClose = false;
    HeadHandler m_onHead;
    BodyHandler m_onBody;
    CompleteHandler m_onComplete;
};

} // namespace PushLab::Bench
