#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace PushLab::Fuzz {

// A fuzz input read as "where to cut" plus "what to cut": the first byte says how many cut
// points follow (0..maxCuts, 7 at most), two bytes each; the rest is the payload. The cut points
// are offsets into the payload (modulo its size + 1), so the fuzzer reaches every split of
// every payload, including a cut between the CR and the LF of a line end.
class SplitInput final {
public:
    SplitInput(const std::uint8_t *data, std::size_t size, unsigned maxCuts = 7) {
        std::size_t pos = 0;
        const std::size_t cutCount = size > 0 ? (data[pos++] & 7u) % (maxCuts + 1) : 0;
        std::vector<std::size_t> raw;
        for (std::size_t i = 0; i < cutCount && pos + 1 < size; ++i, pos += 2)
            raw.push_back(std::size_t(data[pos]) << 8 | data[pos + 1]);
        m_payload = std::string_view(reinterpret_cast<const char *>(data) + pos, size - pos);
        for (const std::size_t r : raw)
            m_cuts.push_back(r % (m_payload.size() + 1));
        std::sort(m_cuts.begin(), m_cuts.end());
    }

    std::string_view payload() const { return m_payload; }

    // The payload in pieces at the cut points, in order (some pieces may be empty).
    std::vector<std::string_view> chunks() const {
        std::vector<std::string_view> out;
        std::size_t from = 0;
        for (const std::size_t cut : m_cuts) {
            out.push_back(m_payload.substr(from, cut - from));
            from = cut;
        }
        out.push_back(m_payload.substr(from));
        return out;
    }

private:
    std::string_view m_payload;
    std::vector<std::size_t> m_cuts;
};

} // namespace PushLab::Fuzz
