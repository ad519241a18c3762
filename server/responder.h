#pragma once

#include "connection.h"
#include "httpresponse.h"
#include "streamset.h"
#include "trafficcounters.h"

#include <optional>

class QLoggingCategory;
class QObject;
class SocketWriter;

// How a loop answers one connection: writes the response, counts it for its pattern, and
// ends the connection afterwards when the client asked for that (HTTP/1.0, Connection: close).
class Responder final {
public:
    // `server` is the QAbstractHttpServer (its parser's readyRead handler is on each socket),
    // `socketContext` the context of the loop's own handlers there.
    Responder(SocketWriter &writer, TrafficCounters &counters, QObject *server,
              QObject *socketContext);

    void send(Connection &c, HttpResponse response,
              std::optional<PushLab::Pattern> countAs = std::nullopt, int delivered = 0);
    void sendBytes(Connection &c, const QByteArray &bytes,
                   std::optional<PushLab::Pattern> countAs = std::nullopt, int delivered = 0);
    // Ends the connection on the next turn of the event loop (see the definition for why).
    void closeLater(Connection &c);
    // Bytes already read into the socket get a readyRead of their own on the next turn (whoever
    // now reads the socket connected after those bytes arrived).
    static void rereadLater(QTcpSocket *socket);
    // Neither QHttpServer nor our byte counting reads requests from this socket any more.
    void stopReadingRequests(QTcpSocket *socket);
    // One fan-out: each subscriber gets `apiBytes` (`seedBytes` if it is the seed's flavour) in
    // one batch, counted for `pattern`; those with too much unsent are dropped afterwards (and
    // logged in `log`, as `what`). Event streams and WebSockets push the same way.
    void fanOut(const StreamSet &subscribers, PushLab::Pattern pattern, const QByteArray &apiBytes,
                const QByteArray &seedBytes, int delivered, const QLoggingCategory &(*log)(),
                const char *what);

    SocketWriter &writer() { return m_writer; }
    TrafficCounters &counters() { return m_counters; }

private:
    SocketWriter &m_writer;
    TrafficCounters &m_counters;
    QObject *m_server = nullptr;
    QObject *m_socketContext = nullptr;
};
