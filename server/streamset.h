#pragma once

#include "connection.h"

#include <vector>

// The open event streams of one event loop, packed for the fan-out loop (swap-removed;
// Connection::streamIndex finds one).
class StreamSet final {
public:
    struct Stream {
        Connection *connection = nullptr; // stays put in its ConnectionTable while here
        QTcpSocket *socket = nullptr;
        qintptr fd = -1;
        Connection::Flavour flavour = Connection::Flavour::Api;
    };

    void add(Connection &c);
    void remove(Connection &c);
    void clear() { m_streams.clear(); }

    std::size_t size() const { return m_streams.size(); }
    bool empty() const { return m_streams.empty(); }
    auto begin() const { return m_streams.begin(); }
    auto end() const { return m_streams.end(); }

private:
    std::vector<Stream> m_streams;
};
