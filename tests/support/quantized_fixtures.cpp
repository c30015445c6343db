#include "tests/support/quantized_fixtures.h"

#include <torch/torch.h>

#include <random>

#include "core/compress/compressible_layers.h"
#include "core/compress/quantizer.h"
#include "core/data/tensors.h"

namespace tinyforge::test {

using namespace tinyforge::core;

data::Dataset randomImages(int count) {
    data::Dataset d;
    d.samples.kind = data::SampleKind::Image;
    d.samples.sampleShape = {1, 16, 16};
    d.samples.classNames = {"a", "b", "c"};
    std::mt19937 rng(7);
    for (int i = 0; i < count * 256; ++i) d.samples.pixels.push_back(static_cast<std::uint8_t>(rng() % 256));
    for (int i = 0; i < count; ++i) {
        d.samples.labels.push_back(i % 3);
        d.splits.train.push_back(i);
        d.splits.test.push_back(i);
    }
    d.normalization = {{0.5f}, {0.29f}};
    return d;
}

models::Model buildModel(const std::string& arch, const std::vector<std::int64_t>& shape, nlohmann::json options) {
    models::ArchitectureSpec spec;
    spec.arch = arch;
    spec.options = std::move(options);
    return models::Model::build(spec, shape, 3, 3, "student");
}

std::vector<compress::QuantParams> quantizeForTest(models::Model& model, const data::Dataset& dataset, int bits) {
    {
        torch::NoGradGuard noGrad;
        model.setTraining(true);
        for (int i = 0; i < 4; ++i) model.forward(data::samplesTensor(dataset, dataset.splits.train));
    }
    compress::foldBatchNorms(model);
    compress::QuantizeSettings settings;
    settings.enabled = true;
    settings.weightBits = bits;
    compress::Quantizer quantizer(model, dataset, settings, nullptr, 0);
    quantizer.finalize(nullptr);
    model.setTraining(false);
    std::vector<compress::QuantParams> points;
    for (const auto& r : quantizer.activationRanges()) points.push_back(r.params);
    return points;
}

}  // namespace tinyforge::test
