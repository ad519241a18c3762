#pragma once

// Test helper: a real redis-server (Debian's) on a free loopback port, with a config and data
// directory of its own; killed (SIGKILL, as a crash) and started again on the same port.

#include <QtCore/QProcess>
#include <QtCore/QStandardPaths>
#include <QtCore/QTemporaryDir>
#include <QtNetwork/QTcpServer>
#include <QtTest/QTest>

class RedisProcess {
public:
    // `appendOnly`: every write is on disk before Redis answers it (a restart keeps them).
    explicit RedisProcess(bool appendOnly)
        : m_appendOnly(appendOnly) {
        QTcpServer probe; // a free port, given back at once
        if (probe.listen(QHostAddress::LocalHost, 0))
            m_port = probe.serverPort();
    }
    ~RedisProcess() { kill(); }

    static QString binary() {
        return QStandardPaths::findExecutable(QStringLiteral("redis-server"));
    }
    QString url() const { return QStringLiteral("redis://127.0.0.1:%1/0").arg(m_port); }
    quint16 port() const { return m_port; }

    // Starts it and waits until it accepts connections; false (with output) when it did not.
    bool start() {
        m_process = std::make_unique<QProcess>();
        m_process->setProcessChannelMode(QProcess::MergedChannels);
        const QString yesNo = m_appendOnly ? QStringLiteral("yes") : QStringLiteral("no");
        m_process->start(binary(), {QStringLiteral("--port"), QString::number(m_port),
                                    QStringLiteral("--bind"), QStringLiteral("127.0.0.1"),
                                    QStringLiteral("--dir"), m_dir.path(), QStringLiteral("--save"),
                                    QString(), QStringLiteral("--appendonly"), yesNo,
                                    QStringLiteral("--appendfsync"), QStringLiteral("always"),
                                    QStringLiteral("--daemonize"), QStringLiteral("no")});
        if (!m_process->waitForStarted(5000))
            return false;
        QByteArray output;
        while (!output.contains("Ready to accept connections")) {
            if (!m_process->waitForReadyRead(10000)) {
                qWarning("redis-server did not start: %s", output.constData());
                return false;
            }
            output += m_process->readAll();
        }
        return true;
    }

    void kill() {
        if (!m_process)
            return;
        m_process->kill();
        m_process->waitForFinished(5000);
        m_process.reset();
    }

private:
    bool m_appendOnly = false;
    quint16 m_port = 0;
    QTemporaryDir m_dir;
    std::unique_ptr<QProcess> m_process;
};
