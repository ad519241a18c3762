#pragma once

// Test helper: an HTTP/1.1 client on a raw QTcpSocket, for tests where the exact bytes on
// the wire matter (framing, HEAD, pipelining, streams).

#include <QtCore/QByteArray>
#include <QtCore/QElapsedTimer>
#include <QtNetwork/QTcpSocket>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <memory>

struct RawResponse {
    int status = 0;
    QByteArray head; // status line and headers, without the blank line
    QByteArray body;
    bool complete = false;

    QByteArray header(const QByteArray &name) const {
        const QList<QByteArray> lines = head.split('\n');
        for (const QByteArray &line : lines) {
            const int colon = line.indexOf(':');
            if (colon > 0 && line.left(colon).trimmed().compare(name, Qt::CaseInsensitive) == 0)
                return line.mid(colon + 1).trimmed();
        }
        return {};
    }
};

class RawHttp {
public:
    explicit RawHttp(quint16 port)
        : m_socket(std::make_unique<QTcpSocket>()) {
        m_socket->connectToHost(QStringLiteral("127.0.0.1"), port);
        m_socket->waitForConnected(5000);
    }

    QTcpSocket *socket() const { return m_socket.get(); }
    bool connected() const { return m_socket->state() == QAbstractSocket::ConnectedState; }

    void send(const QByteArray &raw) {
        m_socket->write(raw);
        m_socket->flush();
    }

    void get(const QByteArray &target, const QByteArray &extraHeaders = {}) {
        send("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extraHeaders + "\r\n");
    }

    void post(const QByteArray &target, const QByteArray &body,
              const QByteArray &extraHeaders = {}) {
        send("POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " +
             QByteArray::number(body.size()) + "\r\n" + extraHeaders + "\r\n" + body);
    }

    // Reads one response (Content-Length framed, or headers only for 204 / HEAD).
    RawResponse read(int timeoutMs = 5000, bool headersOnly = false) {
        QElapsedTimer timer;
        timer.start();
        RawResponse r;
        while (timer.elapsed() < timeoutMs) {
            const int end = m_buffer.indexOf("\r\n\r\n");
            if (end >= 0) {
                r.head = m_buffer.left(end);
                const QList<QByteArray> first = r.head.left(r.head.indexOf('\r')).split(' ');
                r.status = first.size() > 1 ? first.at(1).toInt() : 0;
                const qint64 length =
                    (headersOnly || r.status == 204) ? 0 : r.header("Content-Length").toLongLong();
                if (m_buffer.size() >= end + 4 + length) {
                    r.body = m_buffer.mid(end + 4, length);
                    m_buffer.remove(0, end + 4 + length);
                    r.complete = true;
                    return r;
                }
            }
            if (!waitForMore(timeoutMs - int(timer.elapsed())))
                break;
        }
        return r;
    }

    // Reads raw bytes until `needle` has arrived (streams). Returns everything read so far.
    QByteArray readUntil(const QByteArray &needle, int timeoutMs = 5000) {
        QElapsedTimer timer;
        timer.start();
        while (!m_buffer.contains(needle) && timer.elapsed() < timeoutMs) {
            if (!waitForMore(timeoutMs - int(timer.elapsed())))
                break;
        }
        return m_buffer;
    }

    QByteArray takeBuffer() {
        QByteArray b = m_buffer;
        m_buffer.clear();
        return b;
    }

    bool waitForDisconnected(int timeoutMs = 5000) {
        if (m_socket->state() == QAbstractSocket::UnconnectedState)
            return true;
        QSignalSpy spy(m_socket.get(), &QTcpSocket::disconnected);
        return spy.wait(timeoutMs) || m_socket->state() == QAbstractSocket::UnconnectedState;
    }

private:
    bool waitForMore(int timeoutMs) {
        if (m_socket->bytesAvailable() == 0) {
            if (m_socket->state() != QAbstractSocket::ConnectedState)
                return false;
            QSignalSpy spy(m_socket.get(), &QTcpSocket::readyRead);
            if (!spy.wait(qMax(1, timeoutMs)) && m_socket->bytesAvailable() == 0)
                return false;
        }
        m_buffer += m_socket->readAll();
        return true;
    }

    std::unique_ptr<QTcpSocket> m_socket;
    QByteArray m_buffer;
};
