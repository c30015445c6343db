#include "core/compress/pruner.h"

#include <torch/torch.h>

#include <algorithm>

namespace tinyforge::core::compress {

namespace {
// The magnitude below which `fraction` of `magnitudes` lie: the k-th smallest, k = round(fraction * n).
double threshold(const at::Tensor& magnitudes, double fraction) {
    const auto n = magnitudes.numel();
    const auto k = static_cast<std::int64_t>(std::llround(fraction * static_cast<double>(n)));
    if (k <= 0) return -1.0;
    return std::get<0>(magnitudes.flatten().kthvalue(std::min(k, n))).item<double>();
}
}  // namespace

Pruner::Pruner(const models::Model& model, const PruneSettings& settings) : settings_(settings) {
    for (auto& layer : compressibleLayers(model)) {
        if (std::find(settings.exclude.begin(), settings.exclude.end(), layer.name) != settings.exclude.end()) continue;
        masks_[layer.name] = layer.weight.ne(0).to(torch::kFloat);
        layers_.push_back(std::move(layer));
    }
}

std::vector<at::Tensor> Pruner::stateTensors() {
    std::vector<at::Tensor> out;
    for (const auto& layer : layers_) out.push_back(masks_[layer.name]);
    return out;
}

double Pruner::layerTarget(const std::string& name, double sparsity) const {
    const auto own = settings_.layerFinal.find(name);
    if (own == settings_.layerFinal.end() || settings_.schedule.final <= 0) return sparsity;
    return sparsity * own->second / settings_.schedule.final;  // the layer follows the same curve to its own end
}

void Pruner::prune(double sparsity) {
    torch::NoGradGuard noGrad;
    if (settings_.global) {
        std::vector<at::Tensor> all;
        for (const auto& layer : layers_) all.push_back(layer.weight.abs().flatten());
        if (all.empty()) return;
        const double cut = threshold(torch::cat(all), sparsity);
        for (auto& layer : layers_) masks_[layer.name] = layer.weight.abs().gt(cut).to(torch::kFloat) * masks_[layer.name];
    } else {
        for (auto& layer : layers_) {
            const double cut = threshold(layer.weight.abs(), layerTarget(layer.name, sparsity));
            masks_[layer.name] = layer.weight.abs().gt(cut).to(torch::kFloat) * masks_[layer.name];
        }
    }
    afterStep();
}

void Pruner::beforeStep(std::int64_t step) {
    if (scheduleActive_ && isPruningStep(settings_.schedule, step)) prune(sparsityAt(settings_.schedule, step));
}

void Pruner::afterBackward() {
    for (auto& layer : layers_) {
        auto grad = layer.weight.grad();
        if (grad.defined()) grad.mul_(masks_[layer.name]);
    }
}

void Pruner::afterStep() {
    torch::NoGradGuard noGrad;
    for (auto& layer : layers_) layer.weight.mul_(masks_[layer.name]);
}

double Pruner::sparsity() const {
    double zeros = 0, total = 0;
    for (const auto& [name, mask] : masks_) {
        total += static_cast<double>(mask.numel());
        zeros += static_cast<double>(mask.numel()) - mask.sum().item<double>();
    }
    return total > 0 ? zeros / total : 0.0;
}

}  // namespace tinyforge::core::compress
