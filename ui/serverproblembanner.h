#pragma once

#include <QtWidgets/QFrame>

class QLabel;
class QPushButton;
class QSpinBox;

// Shown only when the embedded server could not start: says why, and offers another port
// (or, when the port is taken by another PushLab, to watch that one).
class ServerProblemBanner final : public QFrame {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ServerProblemBanner)

public:
    explicit ServerProblemBanner(QWidget *parent = nullptr);

    // failedPort 0: the server was asked for any free port (nothing to watch instead).
    void showProblem(const QString &message, quint16 failedPort);

Q_SIGNALS:
    void startServerRequested(quint16 port); // 0 = any free port
    void watchRequested(quint16 port);

private:
    QLabel *m_text = nullptr;              // child
    QSpinBox *m_port = nullptr;            // child
    QPushButton *m_watchInstead = nullptr; // child
    quint16 m_failedPort = 0;
};
