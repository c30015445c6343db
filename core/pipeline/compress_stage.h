#pragma once
// The compression stage: the distilled student, BatchNorm folded, pruned, clustered and quantized as the recipe's
// sections say, each phase fine-tuned with the distillation loss so the teacher keeps guiding it. Internal to
// core/pipeline.

#include <memory>

#include "core/compress/pruner.h"
#include "core/pipeline/model_stage.h"

namespace tinyforge::core::pipeline {

/// Compresses a copy of the distilled `student`; with prune.joint, distils `fresh` (an untrained student with the
/// same initial weights) while pruning it instead. Writes compressed.pt and compressed.json (quantization
/// parameters) to the run folder and returns summary.json's compressed model.
results::CompressedResult compressStudent(const recipe::Recipe& recipe, const RunOptions& options, ModelStage& stage,
                               const models::Model& student, models::Model fresh,
                               const std::vector<models::Model>& teachers);

}  // namespace tinyforge::core::pipeline
