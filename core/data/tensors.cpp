#include "core/data/tensors.h"

#include <torch/torch.h>

namespace tinyforge::core::data {

at::Tensor samplesTensor(const Dataset& dataset, const std::vector<std::int64_t>& indices) {
    const auto& samples = dataset.samples;
    std::vector<std::int64_t> shape{static_cast<std::int64_t>(indices.size())};
    shape.insert(shape.end(), samples.sampleShape.begin(), samples.sampleShape.end());
    at::Tensor out = torch::empty(shape, torch::kFloat32);
    float* dst = out.data_ptr<float>();
    const std::int64_t size = dataset.sampleSize();
    const auto& norm = dataset.normalization;

    if (samples.kind == SampleKind::Table) {
        for (std::size_t n = 0; n < indices.size(); ++n) {
            const float* row = samples.values.data() + indices[n] * size;
            for (std::int64_t f = 0; f < size; ++f) *dst++ = (row[f] - norm.mean[f]) / norm.stddev[f];
        }
        return out;
    }
    const std::int64_t channels = samples.sampleShape[0];
    const std::int64_t plane = size / channels;
    for (std::size_t n = 0; n < indices.size(); ++n) {
        const std::uint8_t* image = samples.pixels.data() + indices[n] * size;
        for (std::int64_t c = 0; c < channels; ++c) {
            // (p / 255 - mean) / stddev folded into one multiply-add per pixel
            const float scale = 1.0f / (255.0f * norm.stddev[c]);
            const float shift = -norm.mean[c] / norm.stddev[c];
            for (std::int64_t p = 0; p < plane; ++p) *dst++ = static_cast<float>(image[c * plane + p]) * scale + shift;
        }
    }
    return out;
}

at::Tensor augmentedSamplesTensor(const Dataset& dataset, const std::vector<std::int64_t>& indices,
                                  const AugmentSettings& settings, std::mt19937_64& rng) {
    if (dataset.samples.kind != SampleKind::Image) return samplesTensor(dataset, indices);
    // Augment into a small dataset of just this batch, then normalise it as usual.
    Dataset batch;
    batch.samples.kind = SampleKind::Image;
    batch.samples.sampleShape = dataset.samples.sampleShape;
    batch.normalization = dataset.normalization;
    const auto size = static_cast<std::size_t>(dataset.sampleSize());
    batch.samples.pixels.resize(indices.size() * size);
    const auto& shape = dataset.samples.sampleShape;
    for (std::size_t n = 0; n < indices.size(); ++n) {
        augmentImage(dataset.samples.pixels.data() + indices[n] * size, batch.samples.pixels.data() + n * size,
                     static_cast<int>(shape[0]), static_cast<int>(shape[1]), static_cast<int>(shape[2]), settings, rng);
    }
    std::vector<std::int64_t> all(indices.size());
    for (std::size_t n = 0; n < all.size(); ++n) all[n] = static_cast<std::int64_t>(n);
    return samplesTensor(batch, all);
}

at::Tensor labelsTensor(const Dataset& dataset, const std::vector<std::int64_t>& indices) {
    at::Tensor out = torch::empty({static_cast<std::int64_t>(indices.size())}, torch::kInt64);
    auto* dst = out.data_ptr<std::int64_t>();
    for (const auto i : indices) *dst++ = dataset.samples.labels[static_cast<std::size_t>(i)];
    return out;
}

}  // namespace tinyforge::core::data
