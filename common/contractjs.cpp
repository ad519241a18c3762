// pushlab_contractjs: writes the browser page's copy of the wire contract (contract.js) from
// wirecontract.h at build time, so the page's defaults, ranges and names cannot drift from the
// server's and the clients'. Core-free on purpose: it runs on the build machine before anything
// else is linked.
//
//   pushlab_contractjs <output file>
#include "wirecontract.h"

#include <cstdio>
#include <fstream>
#include <initializer_list>
#include <string>
#include <utility>

namespace {

// A JSON string literal (JSON is valid JavaScript).
std::string quoted(const char *text) {
    std::string out = "\"";
    for (const char *c = text; *c; ++c) {
        const auto byte = static_cast<unsigned char>(*c);
        if (*c == '"' || *c == '\\') {
            out += '\\';
            out += *c;
        } else if (byte < 0x20) {
            char escape[8];
            std::snprintf(escape, sizeof escape, "\\u%04x", byte);
            out += escape;
        } else {
            out += *c;
        }
    }
    return out + '"';
}

// One `name: value,` line of the object being written, at an indentation of `depth` levels.
void entry(std::ostream &out, int depth, const char *name, const std::string &value) {
    out << std::string(size_t(4 * depth), ' ') << name << ": " << value << ",\n";
}

void writeContract(std::ostream &out) {
    namespace Wire = PushLab::Wire;
    out << "// Generated at build time from common/wirecontract.h by pushlab_contractjs.\n"
           "// Do not edit. The wire contract as the page sees it: globalThis.PushLabWire (a\n"
           "// classic script, so that tests/web can run it in Node as the browser does).\n"
           "'use strict';\n"
           "\n"
           "(function (root) {\n"
           "    root.PushLabWire = Object.freeze({\n";
    const auto number = [&out](const char *name, int value) {
        entry(out, 2, name, std::to_string(value));
    };
    const auto string = [&out](const char *name, const char *value) {
        entry(out, 2, name, quoted(value));
    };
    // A frozen sub-object of strings (Key, GapReason).
    const auto strings =
        [&out](const char *name,
               std::initializer_list<std::pair<const char *, const char *>> values) {
            out << "        " << name << ": Object.freeze({\n";
            for (const auto &[key, value] : values)
                entry(out, 3, key, quoted(value));
            out << "        }),\n";
        };
    number("longPollDefaultTimeoutS", Wire::longPollDefaultTimeoutS);
    number("longPollMinTimeoutS", Wire::longPollMinTimeoutS);
    number("longPollMaxTimeoutS", Wire::longPollMaxTimeoutS);
    number("seedWaitDefaultS", Wire::seedWaitDefaultS);
    number("heartbeatDefaultMs", Wire::heartbeatDefaultMs);
    number("heartbeatMinMs", Wire::heartbeatMinMs);
    number("heartbeatMaxMs", Wire::heartbeatMaxMs);
    number("retryDefaultMs", Wire::retryDefaultMs);
    string("heartbeatHeader", Wire::heartbeatHeader);
    number("missedHeartbeatsBeforeDead", Wire::missedHeartbeatsBeforeDead);
    string("lastIdHeader", Wire::lastIdHeader);
    string("webSocketPath", Wire::webSocketPath);
    number("webSocketMaxClientMessageBytes", Wire::webSocketMaxClientMessageBytes);
    string("messageEvent", Wire::messageEvent);
    string("gapEvent", Wire::gapEvent);
    strings("Key", {{"id", Wire::Key::id},
                    {"text", Wire::Key::text},
                    {"publishedAt", Wire::Key::publishedAt},
                    {"messages", Wire::Key::messages},
                    {"lastId", Wire::Key::lastId},
                    {"gap", Wire::Key::gap},
                    {"lastSeenId", Wire::Key::lastSeenId},
                    {"firstAvailableId", Wire::Key::firstAvailableId},
                    {"reason", Wire::Key::reason},
                    {"error", Wire::Key::error}});
    strings("GapReason", {{"evicted", Wire::GapReason::evicted},
                          {"restart", Wire::GapReason::restart},
                          {"unknown", Wire::GapReason::unknown}});
    out << "    });\n"
           "})(globalThis);\n";
}

} // namespace

int main(int argc, char *argv[]) {
    if (argc != 2) {
        std::fputs("usage: pushlab_contractjs <output file>\n", stderr);
        return 2;
    }
    // Written beside the target and renamed, so an interrupted build never leaves half a file
    // that looks up to date.
    const std::string path = argv[1];
    const std::string partial = path + ".part";
    {
        std::ofstream out(partial, std::ios::binary | std::ios::trunc);
        writeContract(out);
        out.flush();
        if (!out) {
            std::fprintf(stderr, "pushlab_contractjs: cannot write %s\n", partial.c_str());
            return 1;
        }
    }
    if (std::rename(partial.c_str(), path.c_str()) != 0) {
        std::fprintf(stderr, "pushlab_contractjs: cannot rename %s to %s\n", partial.c_str(),
                     path.c_str());
        return 1;
    }
    return 0;
}
