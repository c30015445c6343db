#pragma once
// What a run writes beside its models: the per-epoch history as CSV, and a model's entry in summary.json.

#include <string>
#include <vector>

#include "core/models/model.h"
#include "core/results/run_summary.h"
#include "core/train/train_events.h"

namespace tinyforge::core::pipeline {

/// history.csv: a header, then one row per epoch per model, in the order given.
std::string historyCsv(const std::vector<train::EpochMetrics>& history);

/// A model's architecture, parameters, MACs, fp32 bytes and layers (accuracies and training are the caller's).
results::ModelResult modelSummary(const models::Model& model);

/// Writes `text` to `file` atomically.
void writeText(const std::filesystem::path& file, const std::string& text);

}  // namespace tinyforge::core::pipeline
