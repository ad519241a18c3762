// pushlab-cli publish: POST one message and print what the server stored.
#include "commands.h"

#include "clioutput.h"
#include "publisher.h"
#include "wirecontract.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QDateTime>
#include <QtCore/QEventLoop>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QUrl>

#include <cstdio>

namespace {

void printError(const QString &message) {
    CliOutput::printError("publish", message);
}

bool looksLikeUrl(const QString &text) {
    return text.startsWith(QLatin1String("http://")) || text.startsWith(QLatin1String("https://"));
}

} // namespace

int runPublish(const QStringList &arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Publish a message to a PushLab server (POST /api/messages) and print the "
                       "stored message: its id, publish time and text."));
    parser.addHelpOption();
    const QCommandLineOption jsonOption(
        QStringLiteral("json"), QStringLiteral("Print the stored message as the server's JSON."));
    parser.addOption(jsonOption);
    parser.addPositionalArgument(QStringLiteral("URL"),
                                 QStringLiteral("Server origin (default http://127.0.0.1:8050)."),
                                 QStringLiteral("[URL]"));
    parser.addPositionalArgument(QStringLiteral("TEXT"),
                                 QStringLiteral("The message; several words are joined with spaces "
                                                "(after --, text may start with a dash)."),
                                 QStringLiteral("TEXT..."));
    if (!parser.parse(arguments)) {
        printError(parser.errorText());
        return 2;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        std::fputs(qPrintable(parser.helpText().replace(QLatin1String("pushlab-cli"),
                                                        QLatin1String("pushlab-cli publish"))),
                   stdout);
        return 0;
    }
    QStringList words = parser.positionalArguments();
    QUrl url(QStringLiteral("http://127.0.0.1:8050"));
    if (!words.isEmpty() && looksLikeUrl(words.first())) {
        const QString urlText = words.takeFirst();
        url = QUrl(urlText, QUrl::StrictMode);
        if (!url.isValid() || url.host().isEmpty()) {
            printError(QStringLiteral("'%1' is not a valid URL").arg(urlText));
            return 2;
        }
    }
    const QString text = words.join(QLatin1Char(' '));
    if (text.isEmpty()) {
        printError(QStringLiteral("nothing to publish (usage: pushlab-cli publish [URL] TEXT...)"));
        return 2;
    }

    Publisher publisher;
    publisher.setBaseUrl(url);
    QEventLoop loop;
    int exitCode = 1;
    QObject::connect(&publisher, &Publisher::published, &loop, [&](const DeliveredMessage &m) {
        if (parser.isSet(jsonOption)) {
            namespace Key = PushLab::Wire::Key;
            const QJsonObject json{{QLatin1String(Key::id), qint64(m.id)},
                                   {QLatin1String(Key::text), m.text},
                                   {QLatin1String(Key::publishedAt), m.publishedAtUs}};
            std::printf("%s\n", QJsonDocument(json).toJson(QJsonDocument::Compact).constData());
        } else {
            const QString when = QDateTime::fromMSecsSinceEpoch(m.publishedAtUs / 1000)
                                     .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"));
            std::printf("Published message %llu at %s: %s\n", static_cast<unsigned long long>(m.id),
                        qPrintable(when), m.text.toUtf8().constData());
        }
        exitCode = 0;
        loop.quit();
    });
    QObject::connect(&publisher, &Publisher::failed, &loop, [&](const QString &error) {
        printError(QStringLiteral("%1: %2").arg(url.toString(QUrl::StripTrailingSlash), error));
        loop.quit();
    });
    publisher.publish(text); // bounded: the publisher gives up after its transfer timeout
    loop.exec();
    return exitCode;
}
