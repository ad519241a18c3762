#pragma once

#include <QtCore/QList>
#include <QtCore/QObject>
#include <QtCore/QString>

class QTimer;

// The window's guided tour: a few scenarios, one click each, that each show one lesson of the
// network lab. A scenario picks a link, waits for the lanes to connect through it, then
// publishes on a schedule (or starts a crowd); the window does the rest. Bounded: every
// scenario publishes a fixed number of messages.
class LabTour final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LabTour)

public:
    struct Scenario {
        QString title;
        QString preset;         // a LinkPreset key, or LinkBar::directKey()
        QString lesson;         // what to look at, shown while it runs
        int messages = 0;       // published after settleMs
        int spacingMs = 0;      // between them
        int shortPollCrowd = 0; // > 0: a crowd of that many short pollers instead
    };
    static const QList<Scenario> &scenarios();
    // Lets the lanes reconnect through the new link before the first message.
    static constexpr int settleMs = 1500;

    explicit LabTour(QObject *parent = nullptr);

    void start(int index);
    void stop();
    bool isRunning() const;

Q_SIGNALS:
    void presetRequested(const QString &key);
    void lessonChanged(const QString &text);
    void publishRequested(const QString &text);
    void crowdRequested(int shortPollers);

private:
    void step();

    QTimer *m_timer = nullptr; // child
    int m_index = -1;
    int m_sent = 0;
};
