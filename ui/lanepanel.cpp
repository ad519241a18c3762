#include "lanepanel.h"

#include "patterntheme.h"
#include "units.h"
#include "websocketclient.h"
#include "wirecontract.h"

#include <QtWidgets/QGridLayout>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QSpinBox>
#include <QtWidgets/QToolButton>
#include <QtWidgets/QVBoxLayout>

#include <algorithm>
#include <climits>

using PushLab::Pattern;

namespace {

constexpr int CountColumns = 3; // the six counts in two rows
constexpr std::array<const char *, 5> LatencyKeys{"min", "p50", "p95", "p99", "max"};

} // namespace

LanePanel::LanePanel(Pattern pattern, QWidget *parent)
    : QFrame(parent)
    , m_pattern(pattern) {
    setObjectName(QStringLiteral("lanePanel_") + PushLab::patternKey(pattern));
    const QColor color = PatternTheme::color(pattern);
    // The coloured left border ties the panel to its lane and to every other use of the colour.
    setStyleSheet(
        QStringLiteral("#%1 { border-left: 5px solid %2; background: %3; }")
            .arg(objectName(), color.name(), PatternTheme::tint(pattern).name(QColor::HexArgb)));

    // A fixed width: counts growing by a digit must not squeeze the lanes (and their scale).
    setFixedWidth(PanelWidth);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 4, 6, 4);
    layout->setSpacing(2);

    auto *header = new QHBoxLayout;
    auto *title = new QLabel(PushLab::patternName(pattern), this);
    QFont bold = title->font();
    bold.setBold(true);
    bold.setPointSizeF(bold.pointSizeF() * 1.1);
    title->setFont(bold);
    QPalette titlePalette = title->palette();
    titlePalette.setColor(QPalette::WindowText, color.darker(115));
    title->setPalette(titlePalette);
    header->addWidget(title);
    header->addStretch(1);

    m_setting = new QSpinBox(this);
    m_setting->setAccelerated(true);
    m_setting->setKeyboardTracking(false);
    switch (pattern) {
    case Pattern::ShortPoll:
        m_setting->setRange(50, 60000);
        m_setting->setSingleStep(50);
        m_setting->setPrefix(tr("every "));
        m_setting->setSuffix(tr(" ms"));
        m_setting->setValue(1000);
        m_setting->setToolTip(tr("How often the short-poll client asks for news"));
        break;
    case Pattern::LongPoll:
        // The server clamps a timeout into its range and holds a poll this long by default.
        m_setting->setRange(PushLab::Wire::longPollMinTimeoutS, PushLab::Wire::longPollMaxTimeoutS);
        m_setting->setPrefix(tr("timeout "));
        m_setting->setSuffix(tr(" s"));
        m_setting->setValue(PushLab::Wire::longPollDefaultTimeoutS);
        m_setting->setToolTip(tr("How long the server holds a long poll before answering 204"));
        break;
    case Pattern::ServerSentEvents:
        m_setting->setRange(0, 60000);
        m_setting->setSingleStep(250);
        m_setting->setPrefix(tr("reconnect "));
        m_setting->setSuffix(tr(" ms"));
        // Until the stream says otherwise, a client waits the retry: every stream starts with.
        m_setting->setSpecialValueText(serverRetryText(PushLab::Wire::retryDefaultMs));
        m_setting->setValue(0);
        m_setting->setToolTip(tr("Delay before reconnecting a dropped stream. At 0 the server "
                                 "decides: every stream starts with a \"retry:\" line that "
                                 "tells the client how long to wait (%1 ms unless the server "
                                 "sends another). Any other value overrides it.")
                                  .arg(PushLab::Wire::retryDefaultMs));
        break;
    case Pattern::WebSocket:
        // The protocol has no retry of its own: the client's delay, as the page's.
        m_setting->setRange(0, 60000);
        m_setting->setSingleStep(250);
        m_setting->setPrefix(tr("reconnect "));
        m_setting->setSuffix(tr(" ms"));
        m_setting->setSpecialValueText(
            tr("reconnect %1 ms (default)").arg(WebSocketClient::defaultReconnectDelayMs));
        m_setting->setValue(0);
        m_setting->setToolTip(tr("Delay before reconnecting a closed WebSocket, which then "
                                 "resumes with ?since=<last id> (WebSocket itself has no "
                                 "reconnection or resume: PushLab's client adds both)"));
        break;
    }
    // Wide enough for the longest value, and for the special text where there is one.
    const QFontMetrics fm = m_setting->fontMetrics();
    m_setting->setMinimumWidth(std::max(fm.horizontalAdvance(QStringLiteral("reconnect 60000 ms")),
                                        fm.horizontalAdvance(m_setting->specialValueText())) +
                               30);
    header->addWidget(m_setting);

    m_startStop = new QToolButton(this);
    m_startStop->setAutoRaise(false);
    m_startStop->setMinimumWidth(52);
    header->addWidget(m_startStop);
    layout->addLayout(header);

    auto *grid = new QGridLayout;
    grid->setHorizontalSpacing(10);
    grid->setVerticalSpacing(0);
    struct Count {
        QString key, title, help;
    };
    const Count counts[] = {
        {QStringLiteral("messages"), tr("Messages"), tr("Messages delivered to this lane")},
        {QStringLiteral("requests"), tr("Requests"),
         tr("Requests sent (SSE: connection attempts)")},
        {QStringLiteral("empty"), tr("Empty"),
         tr("Answers that carried nothing: an empty short poll, a long poll's 204")},
        {QStringLiteral("reqPerMsg"), tr("Req/msg"),
         tr("Requests per delivered message: what this pattern costs the server")},
        {QStringLiteral("bytesPerMsg"), tr("Bytes/msg"),
         tr("Bytes received (status lines, headers, bodies) per delivered message")},
        {QStringLiteral("problems"), tr("Errors"), {}}, // its tooltip lists the details
    };
    int index = 0;
    for (const Count &c : counts) {
        QLabel *label = addCount(c.key, c.title);
        label->setToolTip(c.help);
        grid->addWidget(label, index / CountColumns, index % CountColumns);
        ++index;
    }
    for (int c = 0; c < CountColumns; ++c)
        grid->setColumnStretch(c, 1);
    layout->addLayout(grid);

    // Latency as a small table: the five figures line up from lane to lane.
    auto *latency = new QGridLayout;
    latency->setHorizontalSpacing(10);
    latency->setVerticalSpacing(0);
    auto *latencyTitle = new QLabel(tr("Latency ms"), this);
    latencyTitle->setToolTip(tr("Delivery latency: receive time minus the server's publish time"));
    latency->addWidget(latencyTitle, 0, 0);
    m_latencyCount = new QLabel(this);
    m_latencyCount->setToolTip(tr("n: how many deliveries these figures come from"));
    latency->addWidget(m_latencyCount, 1, 0);
    const QString names[] = {tr("min"), tr("p50"), tr("p95"), tr("p99"), tr("max")};
    QPalette grey = palette();
    grey.setColor(QPalette::WindowText, PatternTheme::axisText());
    latencyTitle->setPalette(grey);
    m_latencyCount->setPalette(grey);
    for (int i = 0; i < 5; ++i) {
        auto *name = new QLabel(names[i], this);
        name->setPalette(grey);
        name->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
        latency->addWidget(name, 0, i + 1);
        m_latency[size_t(i)] = new QLabel(this);
        m_latency[size_t(i)]->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
        QFont f = m_latency[size_t(i)]->font();
        f.setBold(true);
        m_latency[size_t(i)]->setFont(f);
        latency->addWidget(m_latency[size_t(i)], 1, i + 1);
        latency->setColumnStretch(i + 1, 1);
    }
    layout->addLayout(latency);
    layout->addStretch(1);

    connect(m_setting, &QSpinBox::valueChanged, this, &LanePanel::settingChanged);
    connect(m_startStop, &QToolButton::clicked, this,
            [this] { Q_EMIT startStopClicked(!m_running); });
    setRunning(false);
    setSummary({});
}

QLabel *LanePanel::addCount(const QString &key, const QString &title) {
    auto *label = new QLabel(this);
    label->setTextFormat(Qt::RichText);
    label->setProperty("title", title);
    m_counts.insert(key, label);
    return label;
}

int LanePanel::setting() const {
    return m_setting->value();
}

void LanePanel::setSetting(int value) {
    m_setting->setValue(value);
}

void LanePanel::setRunning(bool running) {
    m_running = running;
    m_startStop->setText(running ? tr("Stop") : tr("Start"));
    m_startStop->setToolTip(running ? tr("Stop this client") : tr("Start this client"));
}

QString LanePanel::serverRetryText(int ms) {
    // The spin box shows no prefix or suffix with its special text: say what the number is.
    return tr("reconnect %1 ms (server)").arg(ms);
}

void LanePanel::setServerReconnectMs(int ms) {
    const QString text = serverRetryText(ms);
    if (m_pattern == Pattern::ServerSentEvents && m_setting->specialValueText() != text)
        m_setting->setSpecialValueText(text);
}

void LanePanel::setSummary(const LatencySummary &s) {
    const auto set = [this](const QString &key, const QString &value) {
        QLabel *l = m_counts.value(key);
        l->setText(
            QStringLiteral("<span style='color:%1'>%2</span> <b>%3</b>")
                .arg(PatternTheme::axisText().name(), l->property("title").toString(), value));
        l->setProperty("value", value);
    };
    set(QStringLiteral("messages"), QString::number(s.messages));
    set(QStringLiteral("requests"), QString::number(s.requests));
    set(QStringLiteral("empty"), QString::number(s.emptyResponses));
    set(QStringLiteral("reqPerMsg"),
        s.messages ? QString::number(double(s.requests) / double(s.messages), 'f', 2)
                   : QStringLiteral("–"));
    set(QStringLiteral("bytesPerMsg"),
        s.messages ? Units::bytes(double(s.bytesIn) / double(s.messages)) : QStringLiteral("–"));
    // Reconnects are normal for SSE after a dropped stream; errors and missing ids are not.
    set(QStringLiteral("problems"),
        QString::number(s.errors + s.missing) +
            (s.reconnects ? QStringLiteral(" · ↻%1").arg(s.reconnects) : QString()));
    m_counts.value(QStringLiteral("problems"))
        ->setToolTip(tr("%1 error(s), %2 missing id(s), %3 duplicate(s), %4 gap report(s); "
                        "%5 reconnect(s)")
                         .arg(s.errors)
                         .arg(s.missing)
                         .arg(s.duplicates)
                         .arg(s.gaps)
                         .arg(s.reconnects));
    const QLocale locale;
    m_latencyCount->setText(QStringLiteral("n=") + locale.toString(s.latencyCount));
    const double values[] = {s.minMs, s.p50Ms, s.p95Ms, s.p99Ms, s.maxMs};
    const qint64 minSamples[] = {1, 1, MinSamplesP95, MinSamplesP99, 1};
    for (size_t i = 0; i < 5; ++i) {
        const bool enough = s.latencyCount >= minSamples[i];
        // Units::milliseconds picks the digits; the unit is written once, in the title.
        m_latency[i]->setText(enough ? Units::milliseconds(values[i]).chopped(3)
                                     : QStringLiteral("–"));
        const QString name = QLatin1String(LatencyKeys[i]);
        m_latency[i]->setToolTip(
            enough
                ? tr("%1 of %n deliveries", nullptr, int(std::min<qint64>(s.latencyCount, INT_MAX)))
                      .arg(name)
                : tr("%1 is shown from %2 deliveries on (n=%3 so far): with fewer it would "
                     "only repeat the maximum")
                      .arg(name)
                      .arg(minSamples[i])
                      .arg(s.latencyCount));
    }
}

QString LanePanel::countText(const QString &key) const {
    if (key == QLatin1String("n"))
        return m_latencyCount->text();
    for (size_t i = 0; i < LatencyKeys.size(); ++i) {
        if (key == QLatin1String(LatencyKeys[i]))
            return m_latency[i]->text();
    }
    const QLabel *l = m_counts.value(key);
    return l ? l->property("value").toString() : QString();
}

QSize LanePanel::sizeHint() const {
    return {PanelWidth, QFrame::sizeHint().height()};
}
