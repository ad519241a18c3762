#include "streamset.h"

void StreamSet::add(Connection &c) {
    c.streamIndex = m_streams.size();
    m_streams.push_back(Stream{&c, c.socket, c.fd, c.flavour});
}

void StreamSet::remove(Connection &c) {
    const std::size_t index = c.streamIndex;
    if (index >= m_streams.size() || m_streams[index].connection != &c)
        return;
    if (index + 1 != m_streams.size()) {
        m_streams[index] = m_streams.back();
        m_streams[index].connection->streamIndex = index;
    }
    m_streams.pop_back();
}
