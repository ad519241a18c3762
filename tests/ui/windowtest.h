#pragma once

// Test helper for the window's tests: their own settings, and a window watching a server.

#include "mainwindow.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QSettings>
#include <QtCore/QStandardPaths>
#include <QtCore/QUrl>

#include <memory>

namespace PushLab::Test {

// Settings of the test's own (cleared by each test's init), never the user's.
inline void useTestSettings(const QString &testName) {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("PushLabTest"));
    QCoreApplication::setApplicationName(testName);
}

// A window watching the server on a loopback port as its embedded one, shown (the caller
// waits for it to be exposed).
inline std::unique_ptr<MainWindow> showWindowOn(quint16 port) {
    auto window = std::make_unique<MainWindow>();
    window->setServer(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)),
                      MainWindow::ServerMode::Embedded);
    window->show();
    return window;
}

} // namespace PushLab::Test
