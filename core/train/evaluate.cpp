#include "core/train/evaluate.h"

#include <torch/torch.h>

#include "core/data/tensors.h"

namespace tinyforge::core::train {

at::Tensor predictLogits(const models::Model& model, const data::Dataset& dataset,
                         const std::vector<std::int64_t>& indices, int batchSize) {
    torch::NoGradGuard noGrad;
    models::Model handle = model;
    handle.setTraining(false);
    std::vector<at::Tensor> parts;
    for (std::size_t start = 0; start < indices.size(); start += static_cast<std::size_t>(batchSize)) {
        const auto end = std::min(indices.size(), start + static_cast<std::size_t>(batchSize));
        const std::vector<std::int64_t> batch(indices.begin() + static_cast<std::ptrdiff_t>(start),
                                              indices.begin() + static_cast<std::ptrdiff_t>(end));
        parts.push_back(handle.forward(data::samplesTensor(dataset, batch)));
    }
    handle.setTraining(true);
    if (parts.empty()) return torch::zeros({0, model.classes()});
    return torch::cat(parts, 0);
}

at::Tensor ensembleLogits(const std::vector<models::Model>& models, const data::Dataset& dataset,
                          const std::vector<std::int64_t>& indices, int batchSize) {
    at::Tensor sum;
    for (const auto& model : models) {
        const auto logits = predictLogits(model, dataset, indices, batchSize);
        sum = sum.defined() ? sum + logits : logits;
    }
    return sum / static_cast<double>(models.size());
}

double accuracyOf(const at::Tensor& logits, const at::Tensor& labels) {
    if (labels.numel() == 0) return 0.0;
    return logits.argmax(1).eq(labels).sum().item<double>() / static_cast<double>(labels.numel());
}

std::vector<std::int64_t> predictedClasses(const at::Tensor& logits) {
    const auto classes = logits.argmax(1).to(torch::kLong).contiguous();
    return {classes.data_ptr<std::int64_t>(), classes.data_ptr<std::int64_t>() + classes.numel()};
}

std::vector<std::vector<float>> classScores(const at::Tensor& logits) {
    const auto p = logits.to(torch::kFloat).softmax(1).contiguous();
    const auto rows = p.size(0), classes = p.size(1);
    const float* data = p.data_ptr<float>();
    std::vector<std::vector<float>> out(static_cast<std::size_t>(rows));
    for (std::int64_t r = 0; r < rows; ++r) out[static_cast<std::size_t>(r)].assign(data + r * classes, data + (r + 1) * classes);
    return out;
}

double accuracy(const models::Model& model, const data::Dataset& dataset, const std::vector<std::int64_t>& indices) {
    return accuracyOf(predictLogits(model, dataset, indices), data::labelsTensor(dataset, indices));
}

}  // namespace tinyforge::core::train
