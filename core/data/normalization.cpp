#include "core/data/normalization.h"

#include <cmath>

namespace tinyforge::core::data {

namespace {

// Accumulates in double: tens of millions of float pixels would lose precision in a float sum.
struct Moments {
    double sum = 0;
    double sumSquares = 0;
    std::int64_t count = 0;
    void add(double x) { sum += x; sumSquares += x * x; ++count; }
};

Normalization finish(const std::vector<Moments>& moments, double scale) {
    Normalization out;
    for (const auto& m : moments) {
        const double n = m.count > 0 ? static_cast<double>(m.count) : 1.0;
        const double mean = m.sum / n;
        const double variance = std::max(0.0, m.sumSquares / n - mean * mean);
        const double stddev = std::sqrt(variance) * scale;
        out.mean.push_back(static_cast<float>(mean * scale));
        out.stddev.push_back(stddev > 1e-12 ? static_cast<float>(stddev) : 1.0f);
    }
    return out;
}

}  // namespace

Normalization computeNormalization(const LoadedSamples& samples, const std::vector<std::int64_t>& indices) {
    if (samples.kind == SampleKind::Table) {
        const std::int64_t features = samples.sampleShape.at(0);
        std::vector<Moments> moments(static_cast<std::size_t>(features));
        for (const auto i : indices) {
            const float* row = samples.values.data() + i * features;
            for (std::int64_t f = 0; f < features; ++f) moments[static_cast<std::size_t>(f)].add(row[f]);
        }
        return finish(moments, 1.0);
    }
    const std::int64_t channels = samples.sampleShape.at(0);
    const std::int64_t plane = samples.sampleShape.at(1) * samples.sampleShape.at(2);
    std::vector<Moments> moments(static_cast<std::size_t>(channels));
    for (const auto i : indices) {
        const std::uint8_t* image = samples.pixels.data() + i * channels * plane;
        for (std::int64_t c = 0; c < channels; ++c) {
            // Integer sums per plane keep this fast on 60,000 images; moments are exact up to 2^63.
            std::uint64_t sum = 0, sumSquares = 0;
            for (std::int64_t p = 0; p < plane; ++p) {
                const std::uint64_t v = image[c * plane + p];
                sum += v;
                sumSquares += v * v;
            }
            auto& m = moments[static_cast<std::size_t>(c)];
            m.sum += static_cast<double>(sum);
            m.sumSquares += static_cast<double>(sumSquares);
            m.count += plane;
        }
    }
    return finish(moments, 1.0 / 255.0);
}

}  // namespace tinyforge::core::data
