#include "linkoptions.h"

#include "linkpreset.h"

#include <QtCore/QCommandLineParser>

#include <algorithm>

namespace {

// A number option within [min, max]; unset leaves *out alone.
bool number(const QCommandLineParser &parser, const QCommandLineOption &option, double min,
            double max, double *out, QString *error) {
    if (!parser.isSet(option))
        return true;
    bool ok = false;
    const double value = parser.value(option).toDouble(&ok);
    if (!ok || !(value >= min && value <= max)) {
        *error = QStringLiteral("--%1 must be a number from %2 to %3, not '%4'")
                     .arg(option.names().first())
                     .arg(min)
                     .arg(max)
                     .arg(parser.value(option));
        return false;
    }
    *out = value;
    return true;
}

} // namespace

LinkOptions::LinkOptions()
    : m_link(QStringLiteral("link"),
             QStringLiteral("Watch through the network lab's link: %1.").arg(LinkPreset::keys()),
             QStringLiteral("preset"))
    , m_latency(QStringLiteral("latency"),
                QStringLiteral("Link: added one-way delay each way, ms (RTT = twice this)."),
                QStringLiteral("ms"))
    , m_jitter(QStringLiteral("jitter"), QStringLiteral("Link: delay varies by up to ± this, ms."),
               QStringLiteral("ms"))
    , m_bandwidth(QStringLiteral("bandwidth"),
                  QStringLiteral("Link: bandwidth each way, kbit/s (0 = unlimited)."),
                  QStringLiteral("kbit"))
    , m_loss(QStringLiteral("loss"),
             QStringLiteral("Link: segments lost, percent; each costs a retransmission stall."),
             QStringLiteral("percent"))
    , m_dropEvery(QStringLiteral("drop-every"),
                  QStringLiteral("Link: drop every connection every S seconds (0 = never)."),
                  QStringLiteral("s"))
    , m_dropMode(QStringLiteral("drop-mode"),
                 QStringLiteral("Link: how a drop ends connections: reset (default) or close."),
                 QStringLiteral("mode"))
    , m_bufferingProxy(
          QStringLiteral("buffering-proxy"),
          QStringLiteral("Link: a proxy holds each response until N KiB or its end (0 = none)."),
          QStringLiteral("kib"))
    , m_idleTimeout(
          QStringLiteral("idle-timeout"),
          QStringLiteral("Link: a proxy cuts connections silent for S seconds (0 = none)."),
          QStringLiteral("s")) {}

void LinkOptions::addTo(QCommandLineParser *parser) const {
    parser->addOptions({m_link, m_latency, m_jitter, m_bandwidth, m_loss, m_dropEvery, m_dropMode,
                        m_bufferingProxy, m_idleTimeout});
}

LinkOptions::Result LinkOptions::read(const QCommandLineParser &parser) const {
    Result result;
    LinkConditions c;
    if (parser.isSet(m_link)) {
        const LinkPreset *preset = LinkPreset::find(parser.value(m_link));
        if (!preset) {
            result.error = QStringLiteral("--link must be one of %1, not '%2'")
                               .arg(LinkPreset::keys(), parser.value(m_link));
            return result;
        }
        c = preset->conditions;
        result.name = preset->name;
    }
    const QList<const QCommandLineOption *> settings{&m_latency,        &m_jitter,     &m_bandwidth,
                                                     &m_loss,           &m_dropEvery,  &m_dropMode,
                                                     &m_bufferingProxy, &m_idleTimeout};
    const bool anySetting =
        std::any_of(settings.begin(), settings.end(),
                    [&](const QCommandLineOption *o) { return parser.isSet(*o); });
    if (!parser.isSet(m_link) && !anySetting)
        return result;

    double latency = c.down.latencyMs;
    double jitter = c.down.jitterMs;
    double bandwidth = double(c.down.bandwidthKbit);
    double buffering = c.bufferingProxyKiB;
    if (!number(parser, m_latency, 0, 60'000, &latency, &result.error) ||
        !number(parser, m_jitter, 0, 60'000, &jitter, &result.error) ||
        !number(parser, m_bandwidth, 0, 10'000'000, &bandwidth, &result.error) ||
        !number(parser, m_loss, 0, 50, &c.lossPercent, &result.error) ||
        !number(parser, m_dropEvery, 0, 86'400, &c.dropEverySeconds, &result.error) ||
        !number(parser, m_bufferingProxy, 0, 1024, &buffering, &result.error) ||
        !number(parser, m_idleTimeout, 0, 86'400, &c.idleTimeoutSeconds, &result.error))
        return result;
    if (parser.isSet(m_latency))
        c.down.latencyMs = c.up.latencyMs = int(latency);
    if (parser.isSet(m_jitter))
        c.down.jitterMs = c.up.jitterMs = int(jitter);
    if (parser.isSet(m_bandwidth))
        c.down.bandwidthKbit = c.up.bandwidthKbit = qint64(bandwidth);
    c.bufferingProxyKiB = int(buffering);
    if (parser.isSet(m_dropMode)) {
        const QString mode = parser.value(m_dropMode);
        if (mode == QLatin1String("reset")) {
            c.dropMode = LinkConditions::DropMode::Reset;
        } else if (mode == QLatin1String("close")) {
            c.dropMode = LinkConditions::DropMode::Close;
        } else {
            result.error = QStringLiteral("--drop-mode must be reset or close, not '%1'").arg(mode);
            return result;
        }
    }
    if (anySetting)
        result.name = result.name.isEmpty() ? QStringLiteral("custom")
                                            : QStringLiteral("%1, changed").arg(result.name);
    result.conditions = c;
    return result;
}
