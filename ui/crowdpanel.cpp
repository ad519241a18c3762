#include "crowdpanel.h"

#include "clock.h"
#include "crowdcontroller.h"
#include "patterntheme.h"
#include "serverstats.h"
#include "units.h"

#include <QtCore/QElapsedTimer>
#include <QtWidgets/QGridLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QSpinBox>
#include <QtWidgets/QVBoxLayout>

using PushLab::Pattern;

namespace {

QLabel *figure(QWidget *parent) {
    auto *label = new QLabel(QStringLiteral("–"), parent);
    label->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    QFont f = label->font();
    f.setBold(true);
    label->setFont(f);
    label->setMinimumWidth(90);
    return label;
}

QString rate(double perSecond) {
    if (perSecond == 0)
        return QStringLiteral("0 /s");
    if (perSecond < 10)
        return QString::number(perSecond, 'f', 1) + QStringLiteral(" /s");
    return QLocale().toString(qRound64(perSecond)) + QStringLiteral(" /s");
}

} // namespace

CrowdPanel::CrowdPanel(QWidget *parent)
    : QWidget(parent)
    , m_controller(new CrowdController(this)) {
    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(
        tr("<b>Crowd.</b> Add simulated clients to a pattern and watch what they cost the server. "
           "Each crowd is <code>pushlab-cli bench</code> in a process of its own (raw sockets), so "
           "thousands of clients never slow this window. With no messages at all, short pollers "
           "still cost one request per client per interval; long polls and streams cost a "
           "connection each and nothing more until news arrives."),
        this);
    intro->setWordWrap(true);
    intro->setTextFormat(Qt::RichText);
    layout->addWidget(intro);

    auto *grid = new QGridLayout;
    grid->setHorizontalSpacing(14);
    const QStringList headers{tr("Pattern"),    tr("Simulated clients"), QString(),
                              QString(),        tr("Open on server"),    tr("Requests"),
                              tr("Bytes sent"), tr("Messages delivered")};
    for (int column = 0; column < headers.size(); ++column) {
        auto *header = new QLabel(headers.at(column), this);
        header->setStyleSheet(QStringLiteral("color: palette(mid);"));
        if (column >= 4)
            header->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
        grid->addWidget(header, 0, column);
    }
    int row = 0; // the headers'
    for (Pattern p : PushLab::allPatterns) {
        ++row;
        Row &r = m_rows[p];
        auto *name = new QLabel(PushLab::patternName(p), this);
        QFont f = name->font();
        f.setBold(true);
        name->setFont(f);
        QPalette palette = name->palette();
        palette.setColor(QPalette::WindowText, PatternTheme::color(p));
        name->setPalette(palette);
        grid->addWidget(name, row, 0);

        r.clients = new QSpinBox(this);
        r.clients->setRange(1, CrowdController::maxClients);
        r.clients->setSingleStep(100);
        r.clients->setValue(1000);
        r.clients->setSuffix(tr(" clients"));
        grid->addWidget(r.clients, row, 1);

        r.toggle = new QPushButton(tr("Start crowd"), this);
        connect(r.toggle, &QPushButton::clicked, this, [this, p] { toggle(p); });
        grid->addWidget(r.toggle, row, 2);

        r.status = new QLabel(tr("off"), this);
        r.status->setMinimumWidth(160);
        grid->addWidget(r.status, row, 3);

        r.open = figure(this);
        r.requests = figure(this);
        r.bytes = figure(this);
        r.delivered = figure(this);
        grid->addWidget(r.open, row, 4);
        grid->addWidget(r.requests, row, 5);
        grid->addWidget(r.bytes, row, 6);
        grid->addWidget(r.delivered, row, 7);
    }
    grid->setColumnStretch(8, 1);
    layout->addLayout(grid);

    auto *intervalRow = new QHBoxLayout;
    intervalRow->addWidget(new QLabel(tr("Simulated short pollers ask every"), this));
    m_interval = new QSpinBox(this);
    m_interval->setRange(50, 60000);
    m_interval->setSingleStep(250);
    m_interval->setValue(1000);
    m_interval->setSuffix(tr(" ms"));
    intervalRow->addWidget(m_interval);
    intervalRow->addStretch(1);
    layout->addLayout(intervalRow);
    auto *note =
        new QLabel(tr("Figures are the whole server's, per pattern, from /api/stats once a "
                      "second: this window's own lanes and any browser count too."),
                   this);
    note->setWordWrap(true);
    note->setStyleSheet(QStringLiteral("color: palette(mid);"));
    layout->addWidget(note);
    layout->addStretch(1);

    connect(m_controller, &CrowdController::crowdChanged, this,
            [this](Pattern p, int) { updateRow(p); });
    connect(m_controller, &CrowdController::failed, this, [this](Pattern p, const QString &error) {
        Row &r = m_rows[p];
        r.status->setText(error);
        r.status->setStyleSheet(
            QStringLiteral("color: %1;").arg(PatternTheme::errorColor().name()));
    });
}

CrowdPanel::~CrowdPanel() = default; // the controller (a child) ends the crowds

void CrowdPanel::setServerUrl(const QUrl &url) {
    m_controller->setBaseUrl(url);
    m_meter.clear();
    showCosts();
}

void CrowdPanel::setClients(Pattern pattern, int clients) {
    m_rows[pattern].clients->setValue(clients);
}

void CrowdPanel::toggle(Pattern pattern) {
    if (m_controller->clients(pattern) > 0)
        m_controller->setCrowd(pattern, 0);
    else
        m_controller->setCrowd(pattern, m_rows[pattern].clients->value(), m_interval->value());
}

void CrowdPanel::updateRow(Pattern pattern) {
    Row &r = m_rows[pattern];
    const int clients = m_controller->clients(pattern);
    r.toggle->setText(clients > 0 ? tr("Stop crowd") : tr("Start crowd"));
    r.clients->setEnabled(clients == 0);
    r.status->setStyleSheet(QString());
    r.status->setText(clients > 0 ? tr("%Ln simulated client(s)", nullptr, clients) : tr("off"));
}

void CrowdPanel::setStats(const ServerStats &stats) {
    m_meter.add(stats, PushLab::monotonicMs());
    showCosts();
}

void CrowdPanel::showCosts() {
    for (Pattern p : PushLab::allPatterns) {
        Row &r = m_rows[p];
        const ServerCostMeter::Cost cost = m_meter.cost(p);
        r.open->setText(QLocale().toString(cost.open));
        if (!m_meter.hasRates()) {
            r.requests->setText(QStringLiteral("–"));
            r.bytes->setText(QStringLiteral("–"));
            r.delivered->setText(QStringLiteral("–"));
            continue;
        }
        r.requests->setText(rate(cost.requestsPerSecond));
        r.bytes->setText(Units::bytes(cost.bytesPerSecond) + QStringLiteral("/s"));
        r.delivered->setText(rate(cost.deliveredPerSecond));
    }
}

QString CrowdPanel::costText(Pattern pattern) const {
    const Row &r = m_rows[pattern];
    return QStringLiteral("open %1, requests %2, bytes %3, delivered %4")
        .arg(r.open->text(), r.requests->text(), r.bytes->text(), r.delivered->text());
}
