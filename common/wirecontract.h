#pragma once

// The wire contract: the constants and names that the server and every client (ours, the CLI,
// the browser page) agree on. One home: the server, the clients, the window, the CLI's help and
// the page (through the generated contract.js) take them from here, and tst_wirecontract pins
// each default, so a change here is a change everywhere and a copy that drifts fails a test.
// Core-free on purpose: plain constexpr values and C strings.
namespace PushLab::Wire {

// --- long poll: GET /api/messages/wait?since=N&timeout=S ---------------------------------
inline constexpr int longPollDefaultTimeoutS = 30; // when the request names no timeout
inline constexpr int longPollMinTimeoutS = 1;      // a timeout outside is clamped into range
inline constexpr int longPollMaxTimeoutS = 120;
// The seed demo's GET /getmessage holds a poll this long, then answers "No new messages".
inline constexpr int seedWaitDefaultS = 30;

// --- Server-Sent Events: GET /api/events --------------------------------------------------
inline constexpr int heartbeatDefaultMs = 15000; // a comment line on every idle stream
inline constexpr int heartbeatMinMs = 100;
inline constexpr int heartbeatMaxMs = 3600 * 1000;
inline constexpr int retryDefaultMs = 2000; // the `retry:` field sent first on every stream
// The stream's response names its heartbeat interval in ms, so that a client can tell a quiet
// stream from a dead one whatever the server was started with (`--heartbeat`).
inline constexpr const char *heartbeatHeader = "X-Heartbeat-Interval";
// A client presumes a stream dead after this many heartbeat intervals without a byte.
inline constexpr int missedHeartbeatsBeforeDead = 3;

// --- WebSocket: GET /api/ws?since=N (RFC 6455) --------------------------------------------
// Each message is one text frame holding the same JSON as an event stream's data; a gap is a
// text frame {"gap": {...}}. The server pings every heartbeat interval (the 101 names it in
// X-Heartbeat-Interval) and drops a peer silent for missedHeartbeatsBeforeDead intervals.
inline constexpr const char *webSocketPath = "/api/ws";
// The largest message a client may send (the server reads none); beyond it, close code 1009.
inline constexpr int webSocketMaxClientMessageBytes = 64 * 1024;

// --- headers --------------------------------------------------------------------------------
// On a long poll's 204: the last id, so a client that began without `since` knows "now".
inline constexpr const char *lastIdHeader = "X-Last-Id";

// --- event names (the SSE `event:` field) ---------------------------------------------------
inline constexpr const char *messageEvent = "message";
inline constexpr const char *gapEvent = "gap";

// --- JSON keys ------------------------------------------------------------------------------
namespace Key {
inline constexpr const char *id = "id";
inline constexpr const char *text = "text";
inline constexpr const char *publishedAt = "publishedAt";
inline constexpr const char *messages = "messages"; // a poll answer's list
inline constexpr const char *lastId = "lastId";
inline constexpr const char *gap = "gap";
inline constexpr const char *lastSeenId = "lastSeenId";
inline constexpr const char *firstAvailableId = "firstAvailableId";
inline constexpr const char *reason = "reason";
inline constexpr const char *error = "error"; // every error answer: {"error": "..."}
} // namespace Key

// A gap's `reason`.
namespace GapReason {
inline constexpr const char *evicted = "evicted"; // older than the history kept
inline constexpr const char *restart = "restart"; // an id of an earlier run of the server
inline constexpr const char *unknown = "unknown"; // an id the server never gave out
} // namespace GapReason

} // namespace PushLab::Wire
