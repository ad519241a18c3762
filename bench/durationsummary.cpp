#include "durationsummary.h"

#include <algorithm>
#include <cmath>

namespace PushLab::Bench {

std::int64_t DurationSummary::percentile(const std::vector<std::int64_t> &sorted, double fraction) {
    if (sorted.empty())
        return 0;
    const auto rank =
        static_cast<std::size_t>(std::ceil(fraction * static_cast<double>(sorted.size()) - 1e-9));
    return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

DurationSummary DurationSummary::of(std::vector<std::int64_t> &samples) {
    DurationSummary s;
    if (samples.empty())
        return s;
    std::sort(samples.begin(), samples.end());
    s.count = samples.size();
    s.p50 = percentile(samples, 0.50);
    s.p99 = percentile(samples, 0.99);
    s.max = samples.back();
    double sum = 0;
    for (const auto v : samples)
        sum += static_cast<double>(v);
    s.mean = sum / static_cast<double>(samples.size());
    return s;
}

} // namespace PushLab::Bench
