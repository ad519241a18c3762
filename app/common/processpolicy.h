#pragma once

struct ServerConfig;

// What PushLab's executables set for the whole process before a server starts. The server
// library itself changes no process-wide state: these are the executables' decisions.
class ProcessPolicy final {
public:
    // Raises the soft open-file limit to the hard one (the usual 1,024 would cap the server far
    // below the connection counts it is built for); grows the heap in large steps; takes
    // PUSHLAB_IO_URING=0 (send with send(2) only) from the environment.
    static void apply();
    // Settings a server takes from the environment: PUSHLAB_EVENT_DISPATCHER=qt keeps Qt's
    // own event dispatcher in the server's threads (for comparison with epoll).
    static void adjust(ServerConfig *config);
};
