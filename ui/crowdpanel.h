#pragma once

#include "pattern.h"
#include "servercostmeter.h"

#include <QtCore/QUrl>
#include <QtWidgets/QWidget>

class CrowdController;
class QLabel;
class QPushButton;
class QSpinBox;
struct ServerStats;

// "Crowd": adds hundreds or thousands of simulated clients per pattern (in a separate
// process) and shows, live, what each pattern costs the server: open connections, requests,
// bytes and deliveries per second. With 1,000 short pollers and no news the server still
// answers 1,000 requests a second; 1,000 streams cost nothing until a message comes.
class CrowdPanel final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CrowdPanel)

public:
    explicit CrowdPanel(QWidget *parent = nullptr);
    ~CrowdPanel() override;

    void setServerUrl(const QUrl &url);
    void setStats(const ServerStats &stats);
    CrowdController *controller() const { return m_controller; }

    // Starts or stops the crowd of one pattern with the clients in its box (as the button does).
    void toggle(PushLab::Pattern pattern);
    void setClients(PushLab::Pattern pattern, int clients);
    // The figures as the user reads them (tests).
    QString costText(PushLab::Pattern pattern) const;
    const ServerCostMeter &meter() const { return m_meter; }

private:
    struct Row {
        QSpinBox *clients = nullptr;
        QPushButton *toggle = nullptr;
        QLabel *status = nullptr;
        QLabel *open = nullptr;
        QLabel *requests = nullptr;
        QLabel *bytes = nullptr;
        QLabel *delivered = nullptr;
    };

    void updateRow(PushLab::Pattern pattern);
    void showCosts();

    CrowdController *m_controller = nullptr; // child
    QSpinBox *m_interval = nullptr;
    PushLab::PatternMap<Row> m_rows;
    ServerCostMeter m_meter;
};
