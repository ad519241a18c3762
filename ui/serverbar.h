#pragma once

#include "serverstats.h"

#include <QtCore/QUrl>
#include <QtWidgets/QFrame>

class QLabel;
class QPushButton;

// The strip at the top: which server the window talks to (a link), Copy URL, Open in browser,
// Close streams, and who is connected right now by pattern, PushLab's own lanes told apart
// from browsers and other clients (from GET /api/stats).
class ServerBar final : public QFrame {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ServerBar)

public:
    explicit ServerBar(QWidget *parent = nullptr);

    void setServer(const QUrl &url, bool embedded);
    void setNoServer();
    // Messages are published through another server (empty: through this one).
    void setPublishServer(const QUrl &url);
    QString serverText() const;
    void setStats(const ServerStats &stats);
    void setUnreachable(const QString &error);
    // The peers line and the counters as shown, for tests.
    QString peersText() const;
    QString peersToolTip() const;
    QString countersText() const;
    QString countersToolTip() const;

    // "PushLab/..." User-Agents are the window's own lanes (or pushlab-cli).
    static bool isPushLabPeer(const ServerStats::Peer &peer);

Q_SIGNALS:
    void copyUrlRequested();
    void openInBrowserRequested();
    void closeStreamsRequested();

private:
    QLabel *m_url = nullptr;               // child
    QLabel *m_publishUrl = nullptr;        // child
    QLabel *m_peers = nullptr;             // child
    QLabel *m_counters = nullptr;          // child
    QPushButton *m_closeStreams = nullptr; // child
};
