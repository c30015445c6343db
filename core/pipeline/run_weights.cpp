#include "core/pipeline/run_weights.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "core/compress/compressible_layers.h"
#include "core/pipeline/run_folder.h"

namespace tinyforge::core::pipeline {

std::int64_t LayerWeights::zeros() const { return static_cast<std::int64_t>(std::count(values.begin(), values.end(), 0.0f)); }

std::vector<float> LayerWeights::sharedValues(std::size_t limit) const {
    std::set<float> distinct;
    for (const float v : values) {
        if (v == 0.0f) continue;
        distinct.insert(v);
        if (distinct.size() > limit) return {};
    }
    return {distinct.begin(), distinct.end()};
}

const LayerWeights* ModelWeights::find(const std::string& layer) const {
    const auto found = std::find_if(layers.begin(), layers.end(), [&](const LayerWeights& l) { return l.name == layer; });
    return found == layers.end() ? nullptr : &*found;
}

std::vector<ModelWeights> loadRunWeights(const std::filesystem::path& runDir) {
    const RunFolder run(runDir);
    std::vector<ModelWeights> out;
    // Each compression phase's last weights are in the folder as well (ModelStage saves every phase's model).
    for (const char* name : {"teacher", "student", "compress_joint", "compress_channels", "compress_prune", "compress_cluster", "compress_qat", "compressed"}) {
        if (!std::filesystem::is_regular_file(runDir / (std::string(name) + ".pt"))) continue;
        const auto model = run.model(name);
        ModelWeights weights{name, {}};
        for (const auto& layer : compress::compressibleLayers(model)) {
            const at::Tensor w = layer.weight.detach().to(torch::kFloat32).contiguous();
            LayerWeights l{layer.name, layer.type, w.sizes().vec(), {}};
            l.values.assign(w.data_ptr<float>(), w.data_ptr<float>() + w.numel());
            weights.layers.push_back(std::move(l));
        }
        out.push_back(std::move(weights));
    }
    return out;
}

}  // namespace tinyforge::core::pipeline
