#pragma once

#include "linkconditions.h"

#include <QtCore/QCommandLineOption>
#include <QtCore/QList>

#include <optional>

class QCommandLineParser;

// `watch`'s network-lab options: --link PRESET and the single settings, which override the
// preset's (or, without one, start from a plain relay).
class LinkOptions final {
public:
    LinkOptions();
    void addTo(QCommandLineParser *parser) const;

    struct Result {
        std::optional<LinkConditions> conditions; // unset: no lab, straight to the server
        QString name;                             // "4G", "4G, changed", "custom"
        QString error;                            // a usage error
    };
    Result read(const QCommandLineParser &parser) const;

private:
    QCommandLineOption m_link;
    QCommandLineOption m_latency;
    QCommandLineOption m_jitter;
    QCommandLineOption m_bandwidth;
    QCommandLineOption m_loss;
    QCommandLineOption m_dropEvery;
    QCommandLineOption m_dropMode;
    QCommandLineOption m_bufferingProxy;
    QCommandLineOption m_idleTimeout;
};
