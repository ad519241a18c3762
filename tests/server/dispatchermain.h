#pragma once

// main() for the tests that run twice: on Qt's own event dispatcher, and with
// PUSHLAB_TEST_DISPATCHER=epoll on the server's EpollEventDispatcher, where PushServer's fast
// path (requests read with recv(2), not through QHttpServer) is taken. CTest runs both.

#include "epolleventdispatcher.h"

#include <QtCore/QCoreApplication>
#include <QtTest/QTest>

namespace PushLab::Test {
inline bool onEpoll() {
    return qgetenv("PUSHLAB_TEST_DISPATCHER") == "epoll";
}
} // namespace PushLab::Test

#define PUSHLAB_DISPATCHER_TEST_MAIN(TestObject)                                                   \
    int main(int argc, char *argv[]) {                                                             \
        if (PushLab::Test::onEpoll())                                                              \
            QCoreApplication::setEventDispatcher(new EpollEventDispatcher);                        \
        QCoreApplication app(argc, argv);                                                          \
        TestObject test;                                                                           \
        QTEST_SET_MAIN_SOURCE_PATH                                                                 \
        return QTest::qExec(&test, argc, argv);                                                    \
    }
