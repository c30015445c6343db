#pragma once
// Per-layer pruning sensitivity: how a model's accuracy falls as each layer alone is pruned harder. Tells which
// layers to exclude from pruning or give a lower final sparsity.

#include <string>
#include <vector>

#include "core/data/dataset.h"
#include "core/models/model.h"
#include "core/progress.h"

namespace tinyforge::core::compress {

struct SensitivityRow {
    std::string layer;
    std::int64_t weights = 0;
    double sparsity = 0;
    double accuracy = 0;  ///< on the split measured, with only this layer pruned
};

/// For every compressible layer and every sparsity, prunes that layer alone by magnitude (no fine-tuning) and
/// measures accuracy on `indices`. The model is left as it was. Rows ordered by layer, then sparsity.
std::vector<SensitivityRow> pruningSensitivity(models::Model& model, const data::Dataset& dataset,
                                               const std::vector<std::int64_t>& indices,
                                               const std::vector<double>& sparsities, ProgressObserver* observer = nullptr);

/// The table as CSV: layer,weights,sparsity,accuracy.
std::string sensitivityCsv(const std::vector<SensitivityRow>& rows);

}  // namespace tinyforge::core::compress
