#include "serverbar.h"

#include "patterntheme.h"
#include "units.h"

#include <QtCore/QDateTime>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QPushButton>

#include <numeric>

using PushLab::Pattern;

namespace {

// Secondary text, in the axis grey.
QString quiet(const QString &text) {
    return QStringLiteral("<span style='color:%1'>%2</span>")
        .arg(PatternTheme::axisText().name(), text);
}

} // namespace

ServerBar::ServerBar(QWidget *parent)
    : QFrame(parent) {
    setFrameShape(QFrame::StyledPanel);
    setObjectName(QStringLiteral("serverBar"));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 8, 4);

    m_url = new QLabel(this);
    m_url->setTextFormat(Qt::RichText);
    m_url->setOpenExternalLinks(true);
    m_url->setTextInteractionFlags(Qt::TextBrowserInteraction);
    layout->addWidget(m_url);
    m_publishUrl = new QLabel(this);
    m_publishUrl->setTextFormat(Qt::RichText);
    m_publishUrl->setOpenExternalLinks(true);
    m_publishUrl->setTextInteractionFlags(Qt::TextBrowserInteraction);
    m_publishUrl->setToolTip(tr("The composer publishes through this server; the lanes watch the "
                                "other. Both share one history (--redis), so each arrival's "
                                "latency is the hop from one server to the other through Redis."));
    m_publishUrl->hide();
    layout->addWidget(m_publishUrl);

    auto *copy = new QPushButton(tr("Copy URL"), this);
    copy->setToolTip(tr("Copy the server's address, to open it in a browser elsewhere"));
    auto *open = new QPushButton(tr("Open in browser"), this);
    open->setToolTip(tr("Open the server's page: a browser becomes one more client, listed here"));
    m_closeStreams = new QPushButton(tr("Close streams"), this);
    m_closeStreams->setToolTip(tr("Ask the server to close its open event streams "
                                  "(POST /api/streams/close): watch SSE reconnect with "
                                  "Last-Event-ID and miss nothing (polls are not touched)"));
    layout->addWidget(copy);
    layout->addWidget(open);
    layout->addWidget(m_closeStreams);

    m_peers = new QLabel(this);
    m_peers->setTextFormat(Qt::RichText);
    layout->addSpacing(12);
    layout->addWidget(m_peers, 1);
    m_counters = new QLabel(this);
    m_counters->setTextFormat(Qt::RichText);
    m_counters->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    // The peers line grows with every client: it takes the room the buttons and the counters
    // leave and is cut rather than widening the window (its tooltip lists every peer).
    m_peers->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_peers->setMinimumWidth(160);
    layout->addWidget(m_counters);

    connect(copy, &QPushButton::clicked, this, &ServerBar::copyUrlRequested);
    connect(open, &QPushButton::clicked, this, &ServerBar::openInBrowserRequested);
    connect(m_closeStreams, &QPushButton::clicked, this, &ServerBar::closeStreamsRequested);
}

void ServerBar::setServer(const QUrl &url, bool embedded) {
    const QString u = url.toString().toHtmlEscaped();
    m_url->setText(
        tr("%1 <a href=\"%2\">%2</a>").arg(embedded ? tr("Server:") : tr("Watching:"), u));
    m_url->setToolTip(embedded ? tr("The push server running inside this window")
                               : tr("Another PushLab server, watched over HTTP"));
    m_peers->setText(tr("Connected: waiting for the first /api/stats…"));
}

void ServerBar::setPublishServer(const QUrl &url) {
    const QString u = url.toString().toHtmlEscaped();
    m_publishUrl->setText(tr("publishing through <a href=\"%1\">%1</a>").arg(u));
    m_publishUrl->setVisible(!url.isEmpty());
}

QString ServerBar::serverText() const {
    QString text = m_url->text();
    if (!m_publishUrl->isHidden())
        text += u' ' + m_publishUrl->text();
    return text;
}

void ServerBar::setNoServer() {
    m_url->setText(tr("Server: <b>none running</b>"));
    m_peers->clear();
    m_counters->clear();
}

bool ServerBar::isPushLabPeer(const ServerStats::Peer &peer) {
    return peer.userAgent.startsWith(QLatin1String("PushLab/"));
}

void ServerBar::setStats(const ServerStats &stats) {
    PushLab::PatternMap<int> ours, others;
    QStringList details;
    for (const ServerStats::Peer &peer : stats.peers) {
        (isPushLabPeer(peer) ? ours : others)[peer.pattern] += 1;
        if (details.size() < 40)
            details.append(QStringLiteral("%1:%2 — %3 — %4")
                               .arg(peer.address)
                               .arg(peer.port)
                               .arg(PushLab::patternName(peer.pattern),
                                    peer.userAgent.left(80).toHtmlEscaped()));
    }
    // The server lists a bounded number of peers. When it listed them all, the bar tells the
    // PushLab lanes from other clients; past that (a crowd), the per-pattern totals come from
    // its counters and who is who is only known for the listed ones (the tooltip).
    const bool listedAll = stats.peersTotal <= stats.peers.size();
    const QLocale locale;
    QStringList parts;
    for (Pattern p : PushLab::allPatterns) {
        const qint64 count =
            listedAll ? ours[p] + others[p] : qMax<qint64>(stats.patterns[p].open, 0);
        if (count == 0)
            continue;
        QString part = QStringLiteral("<span style='color:%1'>■</span> %2 <b>%3</b>")
                           .arg(PatternTheme::color(p).name(), PushLab::patternName(p),
                                locale.toString(count));
        if (listedAll && others[p] > 0)
            part +=
                tr(" (%n other)", nullptr, others[p]); // not PushLab lanes: browsers, curl (hover)
        parts.append(part);
    }
    const int otherTotal = std::accumulate(others.begin(), others.end(), 0);
    QString text =
        tr("Connected: ") + (parts.isEmpty() ? tr("nobody") : parts.join(QStringLiteral(" · ")));
    if (listedAll && otherTotal == 0 && !parts.isEmpty())
        text += QLatin1Char(' ') + quiet(tr("(all PushLab lanes)"));
    if (!listedAll) {
        text += QLatin1Char(' ') + quiet(tr("· %1 clients").arg(locale.toString(stats.peersTotal)));
        details.prepend(
            tr("The server lists %1 of its %2 clients; the first %3:")
                .arg(locale.toString(stats.peers.size()), locale.toString(stats.peersTotal))
                .arg(details.size()));
    }
    m_peers->setText(text);
    m_peers->setToolTip(details.isEmpty() ? QString() : details.join(QStringLiteral("<br>")));
    const qsizetype threads = stats.connectionsPerThread.size();
    // The server counts every open connection, the bar lists only the pattern clients (polling,
    // waiting, streaming): say what the rest are, or "6 connections" beside 4 listed reads like
    // a miscount.
    const qint64 listed = listedAll ? qint64(stats.peers.size()) : stats.peersTotal;
    const qint64 unlisted = qMax<qint64>(0, stats.connections - listed);
    QString counters =
        tr("%1 published · %2 connections")
            .arg(locale.toString(stats.messagesPublished), locale.toString(stats.connections));
    // One of the others is always the request that asked for these figures ("stats"); the
    // tooltip names the rest (the bar has no room: the peers beside it are cut first).
    if (unlisted > 0)
        counters +=
            QLatin1Char(' ') +
            quiet(unlisted == 1 ? tr("(%1 clients + stats)").arg(locale.toString(listed))
                                : tr("(%1 clients + %2 other)")
                                      .arg(locale.toString(listed), locale.toString(unlisted)));
    QString tip = tr("%1 message(s) published on this server; %2 open connection(s): %3 "
                     "pattern client(s), listed on the left (polling, waiting or streaming), "
                     "and %4 other: this window's once-a-second GET /api/stats, which brought "
                     "these figures, and any connection that asks for something else or sits "
                     "idle between requests (the one the composer publishes on, a browser's "
                     "page)")
                      .arg(stats.messagesPublished)
                      .arg(stats.connections)
                      .arg(listed)
                      .arg(unlisted);
    if (threads > 1) {
        counters += tr(" · %1 threads").arg(threads);
        QStringList perThread;
        for (const qint64 count : stats.connectionsPerThread)
            perThread.append(locale.toString(count));
        tip += tr(", served by %1 server threads holding %2")
                   .arg(threads)
                   .arg(perThread.join(QStringLiteral(" / ")));
    }
    m_counters->setText(counters);
    m_counters->setToolTip(tip);
}

void ServerBar::setUnreachable(const QString &error) {
    m_peers->setText(QStringLiteral("<span style='color:%1'>%2</span>")
                         .arg(PatternTheme::errorColor().name(),
                              tr("Server unreachable: %1").arg(error.toHtmlEscaped())));
}

QString ServerBar::peersText() const {
    return m_peers->text();
}

QString ServerBar::peersToolTip() const {
    return m_peers->toolTip();
}

QString ServerBar::countersText() const {
    return m_counters->text();
}

QString ServerBar::countersToolTip() const {
    return m_counters->toolTip();
}
