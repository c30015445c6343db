#include "core/compress/sensitivity.h"

#include <torch/torch.h>

#include <cstdio>

#include "core/compress/compressible_layers.h"
#include "core/compress/pruner.h"
#include "core/train/evaluate.h"

namespace tinyforge::core::compress {

std::vector<SensitivityRow> pruningSensitivity(models::Model& model, const data::Dataset& dataset,
                                               const std::vector<std::int64_t>& indices,
                                               const std::vector<double>& sparsities, ProgressObserver* observer) {
    const auto layers = compressibleLayers(model);
    std::vector<SensitivityRow> rows;
    std::int64_t done = 0;
    const auto total = static_cast<std::int64_t>(layers.size() * sparsities.size());
    for (const auto& layer : layers) {
        const auto original = layer.weight.detach().clone();
        for (const double s : sparsities) {
            reportProgress(observer, {"sensitivity of " + layer.name, done++, total, ""});
            PruneSettings only;
            for (const auto& other : layers) {
                if (other.name != layer.name) only.exclude.push_back(other.name);
            }
            Pruner(model, only).prune(s);
            rows.push_back({layer.name, layer.weight.numel(), s, train::accuracy(model, dataset, indices)});
            torch::NoGradGuard noGrad;
            layer.weight.copy_(original);
        }
    }
    return rows;
}

std::string sensitivityCsv(const std::vector<SensitivityRow>& rows) {
    std::string csv = "layer,weights,sparsity,accuracy\n";
    char line[256];
    for (const auto& r : rows) {
        std::snprintf(line, sizeof line, "%s,%lld,%.3f,%.6f\n", r.layer.c_str(), static_cast<long long>(r.weights),
                      r.sparsity, r.accuracy);
        csv += line;
    }
    return csv;
}

}  // namespace tinyforge::core::compress
