#include "serverproblembanner.h"

#include "patterntheme.h"

#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QSpinBox>

ServerProblemBanner::ServerProblemBanner(QWidget *parent)
    : QFrame(parent) {
    setObjectName(QStringLiteral("serverProblem"));
    setStyleSheet(QStringLiteral("#serverProblem { background: %1; border: 1px solid %2; "
                                 "border-radius: 4px; }")
                      .arg(PatternTheme::pausedBanner().name(), PatternTheme::errorColor().name()));
    auto *layout = new QHBoxLayout(this);
    m_text = new QLabel(this);
    m_text->setWordWrap(true);
    m_text->setTextFormat(Qt::RichText);
    m_port = new QSpinBox(this);
    m_port->setRange(1, 65535);
    m_port->setPrefix(tr("port "));
    auto *tryPort = new QPushButton(tr("Start on this port"), this);
    auto *anyPort = new QPushButton(tr("Start on any free port"), this);
    m_watchInstead = new QPushButton(this);
    m_watchInstead->setToolTip(tr("If another PushLab holds the port, watch it instead"));
    layout->addWidget(m_text, 1);
    layout->addWidget(m_port);
    layout->addWidget(tryPort);
    layout->addWidget(anyPort);
    layout->addWidget(m_watchInstead);
    hide();
    connect(tryPort, &QPushButton::clicked, this,
            [this] { Q_EMIT startServerRequested(quint16(m_port->value())); });
    connect(anyPort, &QPushButton::clicked, this, [this] { Q_EMIT startServerRequested(0); });
    connect(m_watchInstead, &QPushButton::clicked, this,
            [this] { Q_EMIT watchRequested(m_failedPort); });
}

void ServerProblemBanner::showProblem(const QString &message, quint16 failedPort) {
    m_failedPort = failedPort;
    m_text->setText(tr("<b>The server could not start.</b> %1").arg(message.toHtmlEscaped()));
    m_port->setValue(failedPort < 65535 ? failedPort + 1 : 8051);
    m_watchInstead->setVisible(failedPort != 0);
    m_watchInstead->setText(tr("Watch the server on port %1").arg(failedPort));
    show();
}
