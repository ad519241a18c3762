// The whole server fed byte streams: one PushServer (on the epoll dispatcher, so the fast path
// reads the requests first) listens on a loopback port for the whole run; each input is one
// connection that writes the payload in 1-4 pieces (cut where the input's first bytes say),
// lets the server run for a few milliseconds and hangs up. Every so many inputs the server
// must still answer GET /api/stats with 200.
#include "epolleventdispatcher.h"
#include "pushserver.h"
#include "splitinput.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QDeadlineTimer>
#include <QtNetwork/QTcpSocket>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace {

void require(bool condition, const char *what) {
    if (!condition) {
        std::fprintf(stderr, "fuzz_server: invariant broken: %s\n", what);
        std::abort();
    }
}

void runEventsFor(int ms) {
    const QDeadlineTimer deadline(ms);
    do {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 1);
    } while (!deadline.hasExpired());
}

struct Fixture {
    int argc = 1;
    char name[12] = "fuzz_server";
    char *argv[2] = {name, nullptr};
    QCoreApplication app{argc, argv};
    std::unique_ptr<PushServer> server;

    Fixture() {
        ServerConfig config;
        config.port = 0;
        config.historySize = 64;
        server = std::make_unique<PushServer>(config);
        QString error;
        if (!server->listen(&error)) {
            std::fprintf(stderr, "fuzz_server: cannot listen: %s\n", qPrintable(error));
            std::abort();
        }
    }
};

// Created once and never destroyed: the process ends when libFuzzer is done.
Fixture &fixture() {
    static Fixture *f = [] {
        QCoreApplication::setEventDispatcher(new EpollEventDispatcher);
        return new Fixture;
    }();
    return *f;
}

bool connectTo(QTcpSocket &socket, quint16 port) {
    socket.connectToHost(QHostAddress::LocalHost, port);
    const QDeadlineTimer deadline(2000);
    while (socket.state() != QAbstractSocket::ConnectedState && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    return socket.state() == QAbstractSocket::ConnectedState;
}

// A well-formed GET /api/stats on a fresh connection gets its 200.
void requireStatsAnswer(quint16 port) {
    QTcpSocket socket;
    require(connectTo(socket, port), "the server accepts a connection");
    socket.write("GET /api/stats HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    QByteArray answer;
    const QDeadlineTimer deadline(5000);
    while (!answer.contains("\r\n\r\n") && !deadline.hasExpired()) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
        answer += socket.readAll();
    }
    require(answer.startsWith("HTTP/1.1 200 "), "GET /api/stats answers 200");
    socket.abort();
    runEventsFor(1);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    Fixture &f = fixture();
    const quint16 port = f.server->port();
    const PushLab::Fuzz::SplitInput input(data, size, 3);

    {
        QTcpSocket socket;
        require(connectTo(socket, port), "the server accepts a connection");
        for (const std::string_view chunk : input.chunks()) {
            if (socket.state() != QAbstractSocket::ConnectedState)
                break; // the server hung up (an error answer closes the connection)
            socket.write(chunk.data(), qint64(chunk.size()));
            socket.flush();
            runEventsFor(1);
        }
        runEventsFor(2);
        socket.readAll();
        socket.abort();
    }
    runEventsFor(1); // the server sees the hang-up

    static unsigned inputs = 0;
    if (++inputs % 256 == 0)
        requireStatsAnswer(port);
    return 0;
}
