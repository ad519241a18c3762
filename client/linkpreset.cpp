#include "linkpreset.h"

#include <QtCore/QStringList>

namespace {

LinkConditions symmetric(int roundTripMs, int jitterMs, qint64 downKbit, qint64 upKbit) {
    LinkConditions c;
    c.down = {roundTripMs / 2, jitterMs, downKbit};
    c.up = {roundTripMs - roundTripMs / 2, jitterMs, upKbit};
    return c;
}

QList<LinkPreset> makePresets() {
    QList<LinkPreset> presets;
    presets.append({QStringLiteral("loopback"), QStringLiteral("Loopback"),
                    QStringLiteral("The relay and nothing else: what the lab itself costs."),
                    LinkConditions{}});
    presets.append({QStringLiteral("lan"), QStringLiteral("LAN"),
                    QStringLiteral("A wired office network: every pattern is fast."),
                    symmetric(2, 0, 100'000, 100'000)});
    presets.append({QStringLiteral("wifi"), QStringLiteral("Wi-Fi"),
                    QStringLiteral("Home Wi-Fi: a little latency, some jitter."),
                    symmetric(20, 5, 30'000, 15'000)});
    presets.append({QStringLiteral("4g"), QStringLiteral("4G"),
                    QStringLiteral("A long poll pays a round trip per answer; a stream does not."),
                    symmetric(170, 10, 9'000, 9'000)});
    presets.append({QStringLiteral("3g"), QStringLiteral("3G"),
                    QStringLiteral("Slow and far: every request costs 300 ms before any news."),
                    symmetric(300, 20, 1'600, 768)});
    presets.append({QStringLiteral("satellite"), QStringLiteral("Satellite"),
                    QStringLiteral("A geostationary hop: 600 ms round trips, plenty of bandwidth."),
                    symmetric(600, 20, 15'000, 3'000)});
    LinkConditions flaky = symmetric(170, 30, 9'000, 9'000);
    flaky.lossPercent = 1;
    flaky.dropEverySeconds = 10;
    presets.append({QStringLiteral("flaky"), QStringLiteral("Flaky mobile"),
                    QStringLiteral("4G that loses packets and drops every connection every 10 s: "
                                   "who recovers, and what is missed?"),
                    flaky});
    LinkConditions buffering = symmetric(2, 0, 100'000, 100'000);
    buffering.bufferingProxyKiB = 4;
    presets.append({QStringLiteral("buffering-proxy"), QStringLiteral("Buffering proxy"),
                    QStringLiteral("A proxy that holds a response until 4 KiB: the stream looks "
                                   "dead, polls are untouched."),
                    buffering});
    LinkConditions idle = symmetric(2, 0, 100'000, 100'000);
    idle.idleTimeoutSeconds = 20;
    presets.append({QStringLiteral("idle-proxy"), QStringLiteral("Idle-timeout proxy"),
                    QStringLiteral("A proxy that cuts connections silent for 20 s: heartbeats "
                                   "keep a stream alive, a 30 s long poll is cut."),
                    idle});
    return presets;
}

} // namespace

const QList<LinkPreset> &LinkPreset::all() {
    static const QList<LinkPreset> presets = makePresets();
    return presets;
}

const LinkPreset *LinkPreset::find(QStringView key) {
    for (const LinkPreset &p : all()) {
        if (p.key.compare(key, Qt::CaseInsensitive) == 0)
            return &p;
    }
    return nullptr;
}

QString LinkPreset::keys() {
    QStringList keys;
    for (const LinkPreset &p : all())
        keys.append(p.key);
    return keys.join(QStringLiteral(", "));
}
