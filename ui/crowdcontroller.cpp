#include "crowdcontroller.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QDir>
#include <QtCore/QFileInfo>
#include <QtCore/QLoggingCategory>
#include <QtCore/QProcess>

Q_LOGGING_CATEGORY(lcCrowd, "pushlab.ui.crowd", QtWarningMsg)

using PushLab::Pattern;

CrowdController::CrowdController(QObject *parent)
    : QObject(parent)
    , m_cliPath(defaultCliPath()) {}

CrowdController::~CrowdController() {
    stopAll();
}

QString CrowdController::defaultCliPath() {
    return QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("pushlab-cli"));
}

void CrowdController::setBaseUrl(const QUrl &url) {
    if (url == m_baseUrl)
        return;
    m_baseUrl = url;
    // Crowds follow the server: restart the running ones against the new URL.
    for (Pattern p : PushLab::allPatterns) {
        if (m_clients[p] > 0)
            setCrowd(p, m_clients[p]);
    }
}

bool CrowdController::isRunning(Pattern pattern) const {
    const QProcess *process = m_processes[pattern];
    return process && process->state() != QProcess::NotRunning;
}

void CrowdController::setCrowd(Pattern pattern, int clients, int shortPollIntervalMs) {
    clients = qBound(0, clients, maxClients);
    stop(pattern);
    m_clients[pattern] = clients;
    if (clients == 0) {
        Q_EMIT crowdChanged(pattern, 0);
        return;
    }
    if (!QFileInfo(m_cliPath).isExecutable()) {
        m_clients[pattern] = 0;
        Q_EMIT failed(pattern, tr("Cannot start a crowd: %1 is missing.").arg(m_cliPath));
        Q_EMIT crowdChanged(pattern, 0);
        return;
    }
    QUrl origin = m_baseUrl;
    origin.setPath(QString());
    const QStringList arguments{
        QStringLiteral("bench"),
        QStringLiteral("--pattern"),
        PushLab::patternKey(pattern),
        QStringLiteral("--clients"),
        QString::number(clients),
        QStringLiteral("--messages"),
        QStringLiteral("0"),
        QStringLiteral("--duration"),
        QString::number(holdSeconds),
        QStringLiteral("--duration-limit"),
        QString::number(holdSeconds + 60),
        QStringLiteral("--settle"),
        QStringLiteral("0"),
        QStringLiteral("--drain"),
        QStringLiteral("0"),
        QStringLiteral("--interval"),
        QString::number(qBound(50, shortPollIntervalMs, 60000)),
        QStringLiteral("--server"),
        origin.toString(QUrl::StripTrailingSlash),
    };
    auto *process = new QProcess(this);
    process->setProcessChannelMode(
        QProcess::ForwardedErrorChannel); // its progress, if anyone looks
    process->setStandardOutputFile(QProcess::nullDevice());
    m_processes[pattern] = process;
    connect(process, &QProcess::finished, this,
            [this, pattern, process](int exitCode, QProcess::ExitStatus status) {
                if (m_processes[pattern] != process)
                    return; // replaced meanwhile
                m_processes[pattern] = nullptr;
                process->deleteLater();
                if (m_clients[pattern] > 0) {
                    m_clients[pattern] = 0;
                    if (status != QProcess::NormalExit || exitCode != 0)
                        Q_EMIT failed(pattern, tr("The %1 crowd stopped (exit code %2).")
                                                   .arg(PushLab::patternName(pattern))
                                                   .arg(exitCode));
                    Q_EMIT crowdChanged(pattern, 0);
                }
            });
    connect(process, &QProcess::errorOccurred, this,
            [this, pattern, process](QProcess::ProcessError error) {
                if (error == QProcess::FailedToStart && m_processes[pattern] == process) {
                    m_processes[pattern] = nullptr;
                    m_clients[pattern] = 0;
                    process->deleteLater();
                    Q_EMIT failed(pattern,
                                  tr("Cannot start %1: %2").arg(m_cliPath, process->errorString()));
                    Q_EMIT crowdChanged(pattern, 0);
                }
            });
    qCDebug(lcCrowd) << "starting" << m_cliPath << arguments;
    process->start(m_cliPath, arguments);
    Q_EMIT crowdChanged(pattern, clients);
}

void CrowdController::stop(Pattern pattern) {
    QProcess *process = std::exchange(m_processes[pattern], nullptr);
    if (!process)
        return;
    process->disconnect(this);
    if (process->state() != QProcess::NotRunning) {
        process->terminate(); // SIGTERM ends it; the kernel closes its sockets
        if (!process->waitForFinished(2000)) {
            process->kill();
            process->waitForFinished(1000);
        }
    }
    delete process;
}

void CrowdController::stopAll() {
    for (Pattern p : PushLab::allPatterns) {
        stop(p);
        m_clients[p] = 0;
    }
}
