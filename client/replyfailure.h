#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QString>

class QNetworkReply;

// Reading a finished QNetworkReply the same way everywhere.
namespace PushLab::Net {

// The body, or nothing when the reply was aborted (reading a closed reply only warns).
QByteArray readBody(QNetworkReply *reply);
// One line for a reply that failed without an HTTP answer. A transfer timeout shows up in Qt
// as "Operation canceled"; say what happened instead.
QString failureText(const QNetworkReply *reply);

} // namespace PushLab::Net
