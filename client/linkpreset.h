#pragma once

#include "linkconditions.h"

#include <QtCore/QList>
#include <QtCore/QStringView>

// The network lab's named links, one click (or `watch --link KEY`) each. Figures follow
// published throttling profiles (WebPageTest's connectivity profiles, Chrome DevTools');
// docs/client.md cites them.
struct LinkPreset {
    QString key;    // "4g", as typed on the command line
    QString name;   // "4G", as the window shows it
    QString lesson; // what it shows, one sentence
    LinkConditions conditions;

    static const QList<LinkPreset> &all();
    static const LinkPreset *find(QStringView key);
    // "loopback, lan, wifi, 4g, …" for help texts and errors.
    static QString keys();
};
