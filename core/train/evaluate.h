#pragma once
// Inference over a split, in batches, without gradients.

#include <cstdint>
#include <vector>

#include "core/data/dataset.h"
#include "core/models/model.h"

namespace tinyforge::core::train {

/// Logits [N, classes] of the samples at `indices`, in inference mode (training mode is restored after).
at::Tensor predictLogits(const models::Model& model, const data::Dataset& dataset,
                         const std::vector<std::int64_t>& indices, int batchSize = 512);

/// Average logits of several models (a teacher ensemble); one model's logits when there is one.
at::Tensor ensembleLogits(const std::vector<models::Model>& models, const data::Dataset& dataset,
                          const std::vector<std::int64_t>& indices, int batchSize = 512);

/// Fraction of the samples at `indices` whose arg-max logit is their label; 0 for an empty split.
double accuracy(const models::Model& model, const data::Dataset& dataset, const std::vector<std::int64_t>& indices);

/// The arg-max class of each row of `logits` [N, classes].
std::vector<std::int64_t> predictedClasses(const at::Tensor& logits);

/// The softmax of each row of `logits` [N, classes]: per sample, one probability per class.
std::vector<std::vector<float>> classScores(const at::Tensor& logits);

/// Fraction of rows of `logits` whose arg-max equals `labels`.
double accuracyOf(const at::Tensor& logits, const at::Tensor& labels);

}  // namespace tinyforge::core::train
