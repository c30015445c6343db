#pragma once
// Quantization of a trained model (Jacob et al. 2017): weights symmetric per output channel (per layer for
// clustered layers, so the codebook stays shared), activations affine per tensor, calibrated on training data.
// Post-training quantization calibrates and rounds; quantization-aware training fine-tunes through fake
// quantization with a straight-through estimator, optionally quantizing only a random share of weight blocks per
// pass (quantization noise, Fan et al. 2020). Internal to core.

#include <ATen/core/Tensor.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "core/compress/clusterer.h"
#include "core/compress/compressible_layers.h"
#include "core/compress/compression_settings.h"
#include "core/compress/quantization_math.h"
#include "core/data/dataset.h"
#include "core/train/train_hook.h"

namespace tinyforge::core::compress {

/// round(clamp(x / scale)) * scale per element, with `scale` broadcast (a scalar or one per output channel):
/// symmetric fake quantization onto `bits`-bit integers.
at::Tensor fakeQuantizeSymmetric(const at::Tensor& x, const at::Tensor& scale, int bits);

/// The same for affine parameters: scale * (clamp(round(x / scale) + zp, qmin, qmax) - zp).
at::Tensor fakeQuantizeAffine(const at::Tensor& x, const QuantParams& p);

/// Per activation point: the range seen on calibration samples, and the affine parameters chosen from it.
struct ActivationRange {
    float min = 0, max = 0;
    QuantParams params;
};

/// Runs `samples` training samples through `model` and measures each activation point's range (min/max, or the
/// `percentile` share of values for "percentile").
std::vector<ActivationRange> calibrateActivations(models::Model& model, const data::Dataset& dataset,
                                                  const QuantizeSettings& settings);

class Quantizer final : public train::TrainHook {
public:
    /// Chooses weight scales from the model's current weights (and the clusterer's codebooks, when given) and
    /// calibrates the activations. Throws SettingsError for bit widths outside 2..8.
    Quantizer(models::Model& model, const data::Dataset& dataset, const QuantizeSettings& settings,
              const Clusterer* clusterer, std::uint64_t seed);
    ~Quantizer() override = default;

    /// Fake-quantizes activations from now on (straight-through in training).
    void quantizeActivations();
    /// Rounds the weights (or codebooks) onto the integer grid for good: the model is then the deployed one.
    void finalize(Clusterer* clusterer);

    void beforeStep(std::int64_t step) override;  ///< QAT: swap in fake-quantized weights
    void afterBackward() override;                ///< QAT: restore the float weights; their gradient passes straight through
    /// The quantization-noise generator's state: a resumed QAT phase draws the same blocks.
    std::string stateText() const override;
    void restoreText(const std::string& text) override;

    const std::vector<ActivationRange>& activationRanges() const { return ranges_; }
    int weightBits() const { return settings_.weightBits; }

private:
    at::Tensor scaleFor(const CompressibleLayer& layer, const Clusterer* clusterer) const;
    at::Tensor quantizedWeight(std::size_t i, bool allBlocks);

    models::Model model_;
    QuantizeSettings settings_;
    const Clusterer* clusterer_;
    std::vector<CompressibleLayer> layers_;
    std::vector<at::Tensor> scales_;   ///< per layer: [out, 1, ...] per channel, or a scalar for clustered layers
    std::vector<at::Tensor> masters_;  ///< float weights while fake-quantized ones are swapped in
    std::vector<ActivationRange> ranges_;
    std::mt19937_64 rng_;
};

}  // namespace tinyforge::core::compress
