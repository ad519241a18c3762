#pragma once

#include <QtCore/QObject>
#include <QtCore/QThread>

#include <atomic>
#include <memory>

class QTcpServer;
class QTcpSocket;

// A minimal push server on a loopback port, on its own thread (the load generator blocks the
// test's): GET opens an event stream, POST publishes its body, and every publish is answered
// (and delivered to every stream) only answerDelayMs after it arrived. A server that answers
// publishes slowly, to see what a publisher waiting for its answers does to the schedule.
class SlowPublishServer final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SlowPublishServer)

public:
    explicit SlowPublishServer(int answerDelayMs);
    ~SlowPublishServer() override;

    // Listens on 127.0.0.1 port 0; false when it cannot.
    bool start();
    quint16 port() const { return m_port; }
    // Publishes received, and the most that waited for their answers at one time.
    int publishes() const { return m_publishes.load(); }
    int mostOpenPublishes() const { return m_mostOpen.load(); }

private:
    void onConnection(); // on the server's thread, as everything below
    void onReadyRead(QTcpSocket *socket);

    const int m_answerDelayMs;
    QThread m_thread;
    QObject *m_context = nullptr; // lives on m_thread; parent of the listener and sockets
    QTcpServer *m_server = nullptr;
    quint16 m_port = 0;
    std::atomic<int> m_publishes{0};
    std::atomic<int> m_open{0};
    std::atomic<int> m_mostOpen{0};
};
