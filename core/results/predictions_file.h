#pragma once
// RUN/predictions.csv: the class each model of a run predicted for each test sample, so that runs of several seeds
// can be compared sample by sample (McNemar's test, aggregate.h). Columns: `index` (the sample's index in the
// dataset), `label`, then one per model the run has, in this order: teacher, student_scratch, student, compressed (the
// float model with its weights on the integer grid) and deployed (the integer-only reference).

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace tinyforge::core::results {

struct Predictions {
    std::vector<std::int64_t> index, label;
    std::map<std::string, std::vector<std::int64_t>> byModel;  ///< each as long as `index`
    /// How many samples `model` classified correctly; throws Error for a model the file does not have.
    std::int64_t correct(const std::string& model) const;
};

/// The models predictions.csv may hold, in column order.
const std::vector<std::string>& predictionColumns();

/// Writes RUN/predictions.csv atomically (models not in predictionColumns() are left out). Throws Error when a
/// model's list is not as long as `index`.
void writePredictions(const std::filesystem::path& runDir, const Predictions& predictions);

/// Reads RUN/predictions.csv. Throws DataError naming the file and the line for a missing file, a header without
/// index and label, an unknown column, or a field that is not a whole number >= 0.
Predictions readPredictions(const std::filesystem::path& runDir);

}  // namespace tinyforge::core::results
