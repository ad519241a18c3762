#include "requestwriter.h"

#include "httptarget.h"

namespace PushLab::Bench {

namespace {

void startRequest(std::string &out, const char *method, const std::string &target) {
    out.clear();
    out += method;
    out += ' ';
    out += target;
}

void endRequestLine(std::string &out, const HttpTarget &target) {
    out += " HTTP/1.1\r\nHost: ";
    out += target.host;
    out += "\r\nUser-Agent: ";
    out += RequestWriter::userAgent;
    out += "\r\n";
}

} // namespace

void RequestWriter::stream(std::string &out, const HttpTarget &target) {
    startRequest(out, "GET", target.target);
    endRequestLine(out, target);
    out += "Accept: text/event-stream\r\nCache-Control: no-cache\r\n\r\n";
}

void RequestWriter::webSocket(std::string &out, const HttpTarget &target) {
    startRequest(out, "GET", target.target);
    endRequestLine(out, target);
    out += "Upgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
}

void RequestWriter::poll(std::string &out, const HttpTarget &target, const std::string &since,
                         const std::string &lastModified, const std::string &etag) {
    startRequest(out, "GET", target.target);
    if (!since.empty()) {
        out += target.target.find('?') == std::string::npos ? '?' : '&';
        out += "since=";
        out += since;
    }
    endRequestLine(out, target);
    if (!lastModified.empty()) {
        out += "If-Modified-Since: ";
        out += lastModified;
        out += "\r\n";
    }
    if (!etag.empty()) {
        out += "If-None-Match: ";
        out += etag;
        out += "\r\n";
    }
    out += "\r\n";
}

void RequestWriter::publish(std::string &out, const HttpTarget &target,
                            BenchOptions::PublishMethod method, const std::string &text) {
    switch (method) {
    case BenchOptions::PublishMethod::Post:
        startRequest(out, "POST", target.target);
        endRequestLine(out, target);
        out += "Content-Type: text/plain\r\nContent-Length: ";
        out += std::to_string(text.size());
        out += "\r\n\r\n";
        out += text;
        return;
    case BenchOptions::PublishMethod::Get: {
        std::string route = target.target;
        for (const std::string placeholder : {"%7Btext%7D", "{text}"}) {
            const auto at = route.find(placeholder);
            if (at != std::string::npos)
                route.replace(at, placeholder.size(), text); // the marker needs no escaping
        }
        startRequest(out, "GET", route);
        endRequestLine(out, target);
        out += "\r\n";
        return;
    }
    }
}

void RequestWriter::once(std::string &out, const HttpTarget &target) {
    startRequest(out, "GET", target.target);
    endRequestLine(out, target);
    out += "Connection: close\r\n\r\n";
}

} // namespace PushLab::Bench
