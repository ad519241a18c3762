#include "composer.h"

#include "patterntheme.h"

#include <QtCore/QTimer>
#include <QtWidgets/QCheckBox>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QPushButton>

#include <cmath>

Composer::Composer(QWidget *parent)
    : QWidget(parent) {
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);

    m_text = new QLineEdit(this);
    m_text->setPlaceholderText(tr("Type a message and press Enter: it is published once and "
                                  "delivered to all four lanes"));
    m_text->setClearButtonEnabled(true);
    m_text->setMaxLength(64 * 1024);
    m_send = new QPushButton(tr("Send"), this);
    m_send->setDefault(true);
    m_auto = new QCheckBox(tr("Auto-publish"), this);
    m_auto->setToolTip(tr("Publish \"Auto N\" messages on a timer"));
    m_rate = new QComboBox(this);
    for (double r : rates()) {
        m_rate->addItem(r < 1 ? tr("1 every %1 s").arg(1 / r) : tr("%1 / s").arg(r), r);
    }
    m_rate->setCurrentIndex(int(rates().indexOf(1.0)));
    m_status = new QLabel(this);
    m_status->setMinimumWidth(120);

    layout->addWidget(m_text, 1);
    layout->addWidget(m_send);
    layout->addSpacing(12);
    layout->addWidget(m_auto);
    layout->addWidget(m_rate);
    layout->addWidget(m_status);

    m_timer = new QTimer(this);
    // 10 ms ticks (100/s) need the precise timer; the coarse one may stretch them by 5 %.
    m_timer->setTimerType(Qt::PreciseTimer);

    connect(m_text, &QLineEdit::returnPressed, this, &Composer::send);
    connect(m_send, &QPushButton::clicked, this, &Composer::send);
    connect(m_auto, &QCheckBox::toggled, this, &Composer::updateTimer);
    connect(m_rate, &QComboBox::currentIndexChanged, this, &Composer::updateTimer);
    connect(m_timer, &QTimer::timeout, this, &Composer::autoPublish);
}

const QList<double> &Composer::rates() {
    static const QList<double> r{0.5, 1, 2, 5, 10, 20, 50, 100};
    return r;
}

bool Composer::isAutoPublishing() const {
    return m_auto->isChecked();
}

void Composer::setAutoPublish(bool on) {
    m_auto->setChecked(on);
}

double Composer::autoRate() const {
    return m_rate->currentData().toDouble();
}

void Composer::setAutoRate(double perSecond) {
    int best = 0;
    for (int i = 0; i < rates().size(); ++i) {
        if (std::abs(rates()[i] - perSecond) < std::abs(rates()[best] - perSecond))
            best = i;
    }
    m_rate->setCurrentIndex(best);
}

void Composer::setStatus(const QString &text, bool error) {
    m_status->setText(text);
    QPalette p = palette();
    if (error)
        p.setColor(QPalette::WindowText, PatternTheme::errorColor());
    m_status->setPalette(p);
}

void Composer::send() {
    const QString text = m_text->text();
    if (text.trimmed().isEmpty())
        return;
    Q_EMIT publishRequested(text);
    m_text->clear();
    m_text->setFocus(); // after a click on Send, the next message can be typed at once
}

void Composer::autoPublish() {
    // A busy event loop delivers timer ticks late and drops the missed ones: publish what is
    // due by the clock so the rate holds (at most a few per tick, so a stall is not a burst).
    const qint64 due = qint64(double(m_autoClock.elapsed()) * autoRate() / 1000.0) + 1;
    for (int i = 0; i < 5 && m_autoSent < due; ++i) {
        ++m_autoSent;
        Q_EMIT publishRequested(tr("Auto %1").arg(++m_autoCount));
    }
    if (m_autoSent < due - qint64(autoRate())) // more than a second behind: let it go
        m_autoSent = due;
}

void Composer::updateTimer() {
    if (!m_auto->isChecked()) {
        m_timer->stop();
        return;
    }
    m_autoClock.start();
    m_autoSent = 0;
    m_timer->start(int(std::lround(1000.0 / autoRate())));
}

QString Composer::statusText() const {
    return m_status->text();
}
