#include "core/compress/clusterer.h"

#include <torch/torch.h>

#include <algorithm>

#include "core/compress/kmeans1d.h"

namespace tinyforge::core::compress {

Clusterer::Clusterer(const models::Model& model, const ClusterSettings& settings, std::uint64_t seed) {
    const CentroidInit init = parseCentroidInit(settings.init);
    for (auto& layer : compressibleLayers(model)) {
        if (std::find(settings.exclude.begin(), settings.exclude.end(), layer.name) != settings.exclude.end()) continue;
        const auto flat = layer.weight.detach().flatten();
        const auto positions = flat.ne(0).nonzero().flatten();
        if (positions.numel() == 0) continue;
        const auto values = flat.index_select(0, positions).contiguous();
        const auto own = settings.layerClusters.find(layer.name);
        const int k = std::min<int>(own != settings.layerClusters.end() ? own->second : settings.clusters,
                                    static_cast<int>(values.numel()));
        const auto result = kmeans1d(std::span<const float>(values.data_ptr<float>(), values.numel()), k, init, seed);
        ClusteredLayer clustered;
        clustered.layer = layer;
        clustered.positions = positions;
        clustered.labels = torch::from_blob(const_cast<std::int32_t*>(result.labels.data()),
                                            {static_cast<std::int64_t>(result.labels.size())}, torch::kInt32)
                               .to(torch::kInt64);
        clustered.centroids = torch::tensor(result.centroids).set_requires_grad(true);
        clustered.wcss = result.wcss;
        layers_.push_back(std::move(clustered));
    }
    project();
}

void Clusterer::replaceParameters(std::vector<at::Tensor>& parameters) {
    for (const auto& c : layers_) {
        parameters.erase(std::remove_if(parameters.begin(), parameters.end(),
                                        [&](const at::Tensor& p) { return p.is_same(c.layer.weight); }),
                         parameters.end());
        parameters.push_back(c.centroids);
    }
}

void Clusterer::afterBackward() {
    torch::NoGradGuard noGrad;
    for (auto& c : layers_) {
        const auto grad = c.layer.weight.grad();
        if (!grad.defined()) continue;
        const auto memberGrads = grad.flatten().index_select(0, c.positions);
        c.centroids.mutable_grad() = torch::zeros_like(c.centroids).index_add_(0, c.labels, memberGrads);
        // The weight is not among the optimiser's parameters, so zero_grad never clears it: without this, its
        // gradient would accumulate over every step and each centroid would follow the sum of all past gradients.
        c.layer.weight.mutable_grad().reset();
    }
}

void Clusterer::afterStep() { project(); }

void Clusterer::project() {
    torch::NoGradGuard noGrad;
    for (auto& c : layers_) {
        c.layer.weight.view(-1).index_put_({c.positions}, c.centroids.detach().index_select(0, c.labels));
    }
}

void Clusterer::transformCentroids(const std::function<at::Tensor(const ClusteredLayer&)>& transform) {
    torch::NoGradGuard noGrad;
    for (auto& c : layers_) c.centroids.copy_(transform(c));
    project();
}

int Clusterer::clustersOf(const std::string& layerName) const {
    for (const auto& c : layers_) {
        if (c.layer.name == layerName) return static_cast<int>(c.centroids.numel());
    }
    return 0;
}

std::vector<at::Tensor> Clusterer::stateTensors() {
    std::vector<at::Tensor> out;
    for (const auto& c : layers_) out.push_back(c.centroids);
    return out;
}

}  // namespace tinyforge::core::compress
