#include "procsampler.h"

#include <charconv>
#include <fstream>
#include <iterator>
#include <string>

#include <unistd.h>

namespace PushLab::Bench {

namespace {

std::optional<std::string> readFile(const std::string &path) {
    std::ifstream in(path);
    if (!in)
        return std::nullopt;
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

} // namespace

ProcSampler::ProcSampler(std::vector<int> pids)
    : m_pids(std::move(pids)) {}

std::optional<std::uint64_t> ProcSampler::parseStatTicks(std::string_view stat) {
    // "pid (comm) state ppid ..." — comm may hold spaces and parentheses, so count fields
    // from the last ')'. utime and stime are fields 14 and 15 of the line.
    const auto close = stat.rfind(')');
    if (close == std::string_view::npos)
        return std::nullopt;
    std::string_view rest = stat.substr(close + 1);
    std::uint64_t values[2] = {};
    int field = 2; // the field just read is comm
    std::size_t pos = 0;
    while (field < 15) {
        while (pos < rest.size() && rest[pos] == ' ')
            ++pos;
        if (pos >= rest.size())
            return std::nullopt;
        const auto end = rest.find(' ', pos);
        const std::string_view token =
            rest.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
        ++field;
        if (field == 14 || field == 15) {
            std::uint64_t v = 0;
            const auto res = std::from_chars(token.data(), token.data() + token.size(), v);
            if (res.ec != std::errc())
                return std::nullopt;
            values[field - 14] = v;
        }
        if (end == std::string_view::npos) {
            pos = rest.size();
        } else {
            pos = end;
        }
    }
    return values[0] + values[1];
}

std::optional<std::int64_t> ProcSampler::parseStatusRssKiB(std::string_view status) {
    const auto at = status.find("VmRSS:");
    if (at == std::string_view::npos)
        return std::nullopt;
    std::size_t pos = at + 6;
    while (pos < status.size() && (status[pos] == ' ' || status[pos] == '\t'))
        ++pos;
    std::int64_t kib = 0;
    const auto res = std::from_chars(status.data() + pos, status.data() + status.size(), kib);
    if (res.ec != std::errc())
        return std::nullopt;
    return kib;
}

ProcSampler::Sample ProcSampler::sample() const {
    Sample s;
    if (m_pids.empty())
        return s;
    static const long ticksPerSecond = sysconf(_SC_CLK_TCK);
    std::uint64_t ticks = 0;
    s.valid = true;
    for (const int pid : m_pids) {
        const std::string base = "/proc/" + std::to_string(pid);
        const auto stat = readFile(base + "/stat");
        const auto status = readFile(base + "/status");
        const auto t = stat ? parseStatTicks(*stat) : std::nullopt;
        const auto rss = status ? parseStatusRssKiB(*status) : std::nullopt;
        if (!t || !rss) {
            s.valid = false;
            continue;
        }
        ticks += *t;
        s.rssKiB += *rss;
    }
    s.cpuSeconds = static_cast<double>(ticks) / static_cast<double>(ticksPerSecond);
    return s;
}

} // namespace PushLab::Bench
