#pragma once

#include <QtCore/QElapsedTimer>
#include <QtWidgets/QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTimer;

// Where the user writes messages: a text field (Enter publishes) and Send; an auto-publish
// switch with a rate from one every 2 s to 100 per second, for hands-free demos.
class Composer final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Composer)

public:
    explicit Composer(QWidget *parent = nullptr);

    QLineEdit *lineEdit() const { return m_text; }
    bool isAutoPublishing() const;
    void setAutoPublish(bool on);
    // Messages per second (0.5 .. 100).
    double autoRate() const;
    void setAutoRate(double perSecond);
    static const QList<double> &rates();
    void setStatus(const QString &text, bool error = false);
    QString statusText() const;

Q_SIGNALS:
    void publishRequested(const QString &text);

private:
    void send();
    void autoPublish();
    void updateTimer();

    QLineEdit *m_text = nullptr;   // child
    QPushButton *m_send = nullptr; // child
    QCheckBox *m_auto = nullptr;   // child
    QComboBox *m_rate = nullptr;   // child
    QLabel *m_status = nullptr;    // child
    QTimer *m_timer = nullptr;     // child
    qint64 m_autoCount = 0;        // numbers the "Auto N" texts
    QElapsedTimer m_autoClock;     // since auto-publish (or its rate) started
    qint64 m_autoSent = 0;         // published since then
};
