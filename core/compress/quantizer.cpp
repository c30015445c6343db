#include "core/compress/quantizer.h"

#include <sstream>

#include <torch/torch.h>

#include "core/data/tensors.h"
#include "core/error.h"

namespace tinyforge::core::compress {

namespace {

// Half away from zero, as quantize() and the integer kernels round (torch::round rounds half to even).
at::Tensor roundHalfAway(const at::Tensor& x) { return torch::sign(x) * torch::floor(torch::abs(x) + 0.5); }

// One scale per output channel, shaped to broadcast over the weight ([out, 1, 1, 1] or [out, 1]).
at::Tensor perChannelScale(const at::Tensor& weight, int bits) {
    const double qmax = (1 << (bits - 1)) - 1;
    auto absMax = std::get<0>(weight.detach().abs().flatten(1).max(1));
    absMax = torch::where(absMax > 0, absMax, torch::ones_like(absMax));
    std::vector<std::int64_t> shape(static_cast<std::size_t>(weight.dim()), 1);
    shape[0] = weight.size(0);
    return (absMax / qmax).reshape(shape);
}

std::vector<std::int64_t> calibrationIndices(const data::Dataset& dataset, int count) {
    const auto& train = dataset.splits.train;
    const std::size_t n = std::min<std::size_t>(train.size(), static_cast<std::size_t>(std::max(count, 1)));
    std::vector<std::int64_t> picked;
    for (std::size_t i = 0; i < n; ++i) picked.push_back(train[i * train.size() / n]);  // spread over the split
    return picked;
}

// The value below which `share` of `values` lie.
float quantileOf(const at::Tensor& values, double share) {
    const auto n = values.numel();
    const auto k = std::clamp<std::int64_t>(static_cast<std::int64_t>(std::llround(share * static_cast<double>(n))), 1, n);
    return std::get<0>(values.kthvalue(k)).item<float>();
}

}  // namespace

at::Tensor fakeQuantizeSymmetric(const at::Tensor& x, const at::Tensor& scale, int bits) {
    const double qmax = (1 << (bits - 1)) - 1;
    return torch::clamp(roundHalfAway(x / scale), -qmax, qmax) * scale;
}

at::Tensor fakeQuantizeAffine(const at::Tensor& x, const QuantParams& p) {
    const auto q = torch::clamp(roundHalfAway(x / p.scale) + p.zeroPoint, p.qmin, p.qmax);
    return (q - p.zeroPoint) * p.scale;
}

std::vector<ActivationRange> calibrateActivations(models::Model& model, const data::Dataset& dataset,
                                                  const QuantizeSettings& settings) {
    const std::size_t points = model.activationPointCount();
    std::vector<ActivationRange> ranges(points);
    std::vector<std::vector<at::Tensor>> seen(points);
    const bool percentile = settings.calibration == "percentile";
    model.setActivationHook([&](std::size_t point, const at::Tensor& x) {
        auto& r = ranges[point];
        const auto flat = x.detach().flatten();
        const float lo = flat.min().item<float>(), hi = flat.max().item<float>();
        const bool first = seen[point].empty() && r.min == 0 && r.max == 0;
        r.min = first ? lo : std::min(r.min, lo);
        r.max = first ? hi : std::max(r.max, hi);
        if (percentile) seen[point].push_back(flat.numel() > 65536 ? flat.slice(0, 0, flat.numel(), flat.numel() / 65536) : flat);
        return x;
    });
    torch::NoGradGuard noGrad;
    model.setTraining(false);
    const auto indices = calibrationIndices(dataset, settings.calibrationSamples);
    for (std::size_t start = 0; start < indices.size(); start += 256) {
        const std::vector<std::int64_t> batch(indices.begin() + static_cast<std::ptrdiff_t>(start),
                                              indices.begin() + static_cast<std::ptrdiff_t>(std::min(indices.size(), start + 256)));
        model.forward(data::samplesTensor(dataset, batch));
    }
    model.setActivationHook({});
    model.setTraining(true);
    for (std::size_t p = 0; p < points; ++p) {
        if (percentile && !seen[p].empty()) {
            const auto all = torch::cat(seen[p]);
            const double tail = (100.0 - settings.percentile) / 100.0;
            ranges[p].min = quantileOf(all, tail);
            ranges[p].max = quantileOf(all, 1.0 - tail);
        }
        ranges[p].params = affineParams(ranges[p].min, ranges[p].max, settings.activationBits);
    }
    return ranges;
}

Quantizer::Quantizer(models::Model& model, const data::Dataset& dataset, const QuantizeSettings& settings,
                     const Clusterer* clusterer, std::uint64_t seed)
    : model_(model), settings_(settings), clusterer_(clusterer), layers_(compressibleLayers(model)), rng_(seed) {
    if (settings.weightBits < 2 || settings.weightBits > 8 || settings.activationBits < 2 || settings.activationBits > 8) {
        throw SettingsError("quantize.weight_bits and quantize.activation_bits must be from 2 to 8");
    }
    for (const auto& layer : layers_) scales_.push_back(scaleFor(layer, clusterer));
    masters_.resize(layers_.size());
    ranges_ = calibrateActivations(model_, dataset, settings_);
}

at::Tensor Quantizer::scaleFor(const CompressibleLayer& layer, const Clusterer* clusterer) const {
    if (clusterer != nullptr) {
        for (const auto& c : clusterer->layers()) {
            if (c.layer.name != layer.name) continue;
            // One scale for the whole codebook keeps equal centroids equal after rounding.
            const double qmax = (1 << (settings_.weightBits - 1)) - 1;
            const double absMax = c.centroids.detach().abs().max().item<double>();
            return torch::tensor(absMax > 0 ? absMax / qmax : 1.0, torch::kFloat);
        }
    }
    return perChannelScale(layer.weight, settings_.weightBits);
}

at::Tensor Quantizer::quantizedWeight(std::size_t i, bool allBlocks) {
    const auto& w = layers_[i].weight;
    const auto q = fakeQuantizeSymmetric(w.detach(), scales_[i], settings_.weightBits);
    if (allBlocks) return q;
    // Quantization noise: each output channel (a block) is quantized with probability p, else left in float.
    std::bernoulli_distribution pick(settings_.noise);
    std::vector<float> chosen(static_cast<std::size_t>(w.size(0)));
    for (auto& c : chosen) c = pick(rng_) ? 1.0f : 0.0f;
    std::vector<std::int64_t> shape(static_cast<std::size_t>(w.dim()), 1);
    shape[0] = w.size(0);
    const auto mask = torch::tensor(chosen).reshape(shape);
    return q * mask + w.detach() * (1 - mask);
}

void Quantizer::beforeStep(std::int64_t) {
    torch::NoGradGuard noGrad;
    const bool allBlocks = settings_.noise <= 0 || settings_.noise >= 1;
    for (std::size_t i = 0; i < layers_.size(); ++i) {
        scales_[i] = scaleFor(layers_[i], clusterer_);  // QAT moves the weights: follow their range
        masters_[i] = layers_[i].weight.detach().clone();
        layers_[i].weight.copy_(quantizedWeight(i, allBlocks));
    }
}

void Quantizer::afterBackward() {
    torch::NoGradGuard noGrad;
    for (std::size_t i = 0; i < layers_.size(); ++i) {
        if (masters_[i].defined()) layers_[i].weight.copy_(masters_[i]);  // straight-through: the gradient stays
        masters_[i] = at::Tensor();
    }
}

void Quantizer::quantizeActivations() {
    auto ranges = ranges_;
    model_.setActivationHook([ranges](std::size_t point, const at::Tensor& x) {
        const auto q = fakeQuantizeAffine(x, ranges[point].params);
        return x.requires_grad() ? x + (q - x).detach() : q;  // straight-through in training
    });
}

void Quantizer::finalize(Clusterer* clusterer) {
    torch::NoGradGuard noGrad;
    if (clusterer != nullptr) {
        clusterer->transformCentroids([&](const ClusteredLayer& c) {
            return fakeQuantizeSymmetric(c.centroids.detach(), scaleFor(c.layer, clusterer), settings_.weightBits);
        });
    }
    for (std::size_t i = 0; i < layers_.size(); ++i) {
        if (clusterer != nullptr && clusterer->clustersOf(layers_[i].name) > 0) continue;  // done through its codebook
        scales_[i] = perChannelScale(layers_[i].weight, settings_.weightBits);
        layers_[i].weight.copy_(fakeQuantizeSymmetric(layers_[i].weight, scales_[i], settings_.weightBits));
    }
    quantizeActivations();
}

std::string Quantizer::stateText() const {
    std::ostringstream out;
    out << rng_;
    return out.str();
}

void Quantizer::restoreText(const std::string& text) {
    std::istringstream in(text);
    in >> rng_;
    if (!in) throw DataError("", "quantizer", "the checkpoint's random generator state is damaged");
}

}  // namespace tinyforge::core::compress
