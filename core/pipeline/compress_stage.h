#pragma once
// The compression stage: the distilled student, BatchNorm folded, pruned, clustered and quantized as the recipe's
// sections say, each phase fine-tuned with the distillation loss so the teacher keeps guiding it. Internal to
// core/pipeline.

#include <memory>

#include <nlohmann/json.hpp>

#include "core/compress/pruner.h"
#include "core/pipeline/model_stage.h"

namespace tinyforge::core::pipeline {

/// A pruner for pruning jointly with distillation (recipe prune.joint), or null when the recipe does not ask for it.
std::unique_ptr<compress::Pruner> jointPruner(const recipe::Recipe& recipe, const models::Model& student);

/// Compresses a copy of `student`; writes compressed.pt and compressed.json (quantization parameters) to the run
/// folder and returns summary.json's "compressed" entry.
nlohmann::json compressStudent(const recipe::Recipe& recipe, const RunOptions& options, ModelStage& stage,
                               const models::Model& student, const std::vector<models::Model>& teachers);

}  // namespace tinyforge::core::pipeline
