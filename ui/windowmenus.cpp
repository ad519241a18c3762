#include "windowmenus.h"

#include "timelineviewport.h"

#include <QtGui/QAction>
#include <QtGui/QKeySequence>
#include <QtWidgets/QMainWindow>
#include <QtWidgets/QMenu>
#include <QtWidgets/QMenuBar>

WindowMenus::WindowMenus(QMainWindow *window, TimelineViewport *viewport)
    : QObject(window) {
    using Format = TrafficLogExporter::Format;
    QMenu *file = window->menuBar()->addMenu(tr("&File"));
    QAction *csv = file->addAction(tr("Export traffic log as &CSV…"));
    connect(csv, &QAction::triggered, this, [this] { Q_EMIT exportRequested(Format::Csv); });
    QAction *json = file->addAction(tr("Export traffic log as &JSON…"));
    connect(json, &QAction::triggered, this, [this] { Q_EMIT exportRequested(Format::Json); });
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"));
    quit->setShortcut(QKeySequence::Quit);
    connect(quit, &QAction::triggered, window, &QWidget::close);

    QMenu *view = window->menuBar()->addMenu(tr("&View"));
    QAction *pause = view->addAction(tr("&Pause timeline"));
    pause->setCheckable(true);
    // Space: text fields keep their spaces (they accept the shortcut override for typing).
    pause->setShortcut(QKeySequence(Qt::Key_Space));
    pause->setShortcutContext(Qt::WindowShortcut);
    window->addAction(pause);
    connect(pause, &QAction::toggled, viewport, &TimelineViewport::setPaused);
    connect(viewport, &TimelineViewport::pausedChanged, pause, &QAction::setChecked);
    QAction *zoomIn = view->addAction(tr("Zoom &in"));
    zoomIn->setShortcut(QKeySequence::ZoomIn);
    connect(zoomIn, &QAction::triggered, viewport,
            [viewport] { viewport->zoom(1.5, viewport->geometry().right()); });
    QAction *zoomOut = view->addAction(tr("Zoom &out"));
    zoomOut->setShortcut(QKeySequence::ZoomOut);
    connect(zoomOut, &QAction::triggered, viewport,
            [viewport] { viewport->zoom(1 / 1.5, viewport->geometry().right()); });
    view->addSeparator();
    QAction *clear = view->addAction(tr("&Clear timeline and counts"));
    clear->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    window->addAction(clear);
    connect(clear, &QAction::triggered, this, &WindowMenus::clearRequested);

    QMenu *server = window->menuBar()->addMenu(tr("&Server"));
    QAction *copy = server->addAction(tr("&Copy URL"));
    connect(copy, &QAction::triggered, this, &WindowMenus::copyUrlRequested);
    QAction *open = server->addAction(tr("&Open in browser"));
    connect(open, &QAction::triggered, this, &WindowMenus::openInBrowserRequested);
    QAction *close = server->addAction(tr("Close event &streams (SSE reconnects)"));
    connect(close, &QAction::triggered, this, &WindowMenus::closeStreamsRequested);
}
