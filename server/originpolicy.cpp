#include "originpolicy.h"

bool OriginPolicy::sameOriginOrNone(const RequestInfo &info) {
    const QByteArray &origin = info.origin;
    if (origin.isEmpty())
        return true;
    const QByteArray &host = info.host;
    return !host.isEmpty() &&
           (origin.compare(QByteArray("http://" + host), Qt::CaseInsensitive) == 0 ||
            origin.compare(QByteArray("https://" + host), Qt::CaseInsensitive) == 0);
}
