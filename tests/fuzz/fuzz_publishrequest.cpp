// The body of POST /api/messages, as text/plain, JSON or with no content type (the first byte
// of the input chooses). Either a text that can be published, or a 400/413 whose body is a
// JSON object with an "error" string; never a crash.
#include "publishrequest.h"

#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace {

void require(bool condition, const char *what) {
    if (!condition) {
        std::fprintf(stderr, "fuzz_publishrequest: invariant broken: %s\n", what);
        std::abort();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    if (size == 0)
        return 0;
    static const QByteArray contentTypes[] = {"text/plain; charset=utf-8", "application/json",
                                              QByteArray()};
    RequestInfo info;
    info.method = RequestInfo::Method::Post;
    info.methodName = "POST";
    info.path = QStringLiteral("/api/messages");
    info.contentType = contentTypes[data[0] % std::size(contentTypes)];
    info.body = QByteArray(reinterpret_cast<const char *>(data) + 1, qsizetype(size - 1));

    const std::variant<QString, HttpResponse> result = PublishRequest::fromBody(info);
    if (const QString *text = std::get_if<QString>(&result)) {
        require(!text->trimmed().isEmpty(), "a text is not empty after trim");
        require(text->toUtf8().size() <= PublishRequest::maxTextBytes, "a text fits in 64 KiB");
        return 0;
    }
    const HttpResponse &response = std::get<HttpResponse>(result);
    require(response.status() == 400 || response.status() == 413, "an error is 400 or 413");
    const QByteArray bytes = response.toBytes();
    const qsizetype headEnd = bytes.indexOf("\r\n\r\n");
    require(headEnd > 0, "the response has a head");
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(bytes.sliced(headEnd + 4), &parseError);
    require(parseError.error == QJsonParseError::NoError && doc.isObject(),
            "the error body is a JSON object");
    require(doc.object().value(QStringLiteral("error")).isString(), "the error body has \"error\"");
    return 0;
}
