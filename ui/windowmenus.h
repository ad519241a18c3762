#pragma once

#include "trafficlogexporter.h"

#include <QtCore/QObject>

class QMainWindow;
class TimelineViewport;

// The window's menu bar and its shortcuts: File (export, quit), View (pause on Space, zoom,
// clear on Ctrl+L), Server (copy URL, open in browser, close streams). Pause and zoom act on
// the viewport; the rest is asked of the window through the signals.
class WindowMenus final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WindowMenus)

public:
    WindowMenus(QMainWindow *window, TimelineViewport *viewport);

Q_SIGNALS:
    void exportRequested(TrafficLogExporter::Format format);
    void clearRequested();
    void copyUrlRequested();
    void openInBrowserRequested();
    void closeStreamsRequested();
};
