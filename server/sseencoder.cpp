#include "sseencoder.h"

#include "pollencoder.h"
#include "wirecontract.h"

QByteArray SseEncoder::head(const Head &head) {
    QByteArray out = "HTTP/1.1 200 OK\r\n"
                     "Content-Type: text/event-stream; charset=utf-8\r\n"
                     "Cache-Control: no-cache\r\n"
                     "X-Accel-Buffering: no\r\n"
                     "Access-Control-Allow-Origin: *\r\n";
    out += QByteArray(PushLab::Wire::heartbeatHeader) + ": " +
           QByteArray::number(head.heartbeatMs) + "\r\n";
    // The stream ends when the connection does; an HTTP/1.0 or `Connection: close` client is
    // told so rather than promised a connection it did not ask to keep.
    out += head.closeAfter ? "Connection: close\r\n\r\n" : "Connection: keep-alive\r\n\r\n";
    out += "retry: " + QByteArray::number(head.retryMs) + "\n\n";
    return out;
}

QByteArray SseEncoder::gapEvent(const MessageLog::Gap &gap) {
    return QByteArray("event: ") + PushLab::Wire::gapEvent +
           "\ndata: " + PollEncoder::gapJson(gap) + "\n\n";
}

const QByteArray &SseEncoder::heartbeat() {
    static const QByteArray bytes = QByteArrayLiteral(": heartbeat\n\n");
    return bytes;
}
