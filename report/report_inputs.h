#pragma once
// The run folders a report compares, read once: each run's summary.json, predictions.csv, recipe.json and
// history.csv. A folder of repeats (tinyforge-cli run --seeds, with aggregate.json) stands for its seeds' runs, a
// sweep folder (tinyforge-cli sweep, with plan.json) for its finished points, labelled with their settings.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/results/predictions_file.h"
#include "core/results/scores_file.h"
#include "core/results/run_summary.h"

namespace tinyforge::report {

/// One row of history.csv: a model's (or compression phase's) epoch.
struct HistoryRow {
    std::string model;
    int epoch = 0;
    double loss = 0, trainAccuracy = 0, valAccuracy = 0, sparsity = 0;
    std::int64_t deployedBytes = 0;
};

struct ReportRun {
    std::filesystem::path dir;
    std::string label;  ///< the folder's name, or parent/name where two runs share a name
    core::results::RunSummary summary;
    std::optional<core::results::Predictions> predictions;  ///< absent for runs written before predictions.csv
    std::optional<core::results::Scores> scores;            ///< scores.csv: identity datasets only
    nlohmann::json recipe = nlohmann::json::object();      ///< recipe.json as run; {} when missing
    std::vector<HistoryRow> history;
};

/// Parses history.csv text (`file` names it in errors). Throws DataError naming the file and line for a header
/// without model, epoch or val_accuracy, or a field that is not a number.
std::vector<HistoryRow> parseHistory(const std::string& text, const std::filesystem::path& file);

/// Reads each folder (a folder of repeats as its seeds' runs, in seed order). Throws DataError naming the file for a
/// folder without a readable summary.json, or a damaged predictions.csv, recipe.json or history.csv; a missing
/// predictions.csv, recipe.json or history.csv leaves that part empty.
std::vector<ReportRun> loadRuns(const std::vector<std::filesystem::path>& dirs);

}  // namespace tinyforge::report
