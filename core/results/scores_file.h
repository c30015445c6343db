#pragma once
// RUN/scores.csv: each model's class scores (softmax probabilities) for each test sample, written for datasets of
// identities (image folders: iris, face or fingerprint sets), where users judge a model by its verification errors
// (ROC, equal error rate) rather than by accuracy alone. predictions.csv keeps only the predicted class.
// Columns: model, index (the sample's index in the dataset), label, then class_0 ... class_{K-1}.

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace tinyforge::core::results {

struct ModelScores {
    std::vector<std::int64_t> index, label;
    std::vector<std::vector<float>> scores;  ///< per sample, one score per class
};

struct Scores {
    int classes = 0;
    std::map<std::string, ModelScores> byModel;  ///< teacher, student_scratch, student, compressed
};

/// Writes RUN/scores.csv atomically. Throws Error when a model's lists differ in length or a sample's scores are not
/// `classes` long.
void writeScores(const std::filesystem::path& runDir, const Scores& scores);

/// Reads RUN/scores.csv. Throws DataError naming the file and the line for a header that is not
/// model,index,label,class_0..., an unknown model, an index or label that is not a whole number (a label beyond the
/// classes included), or a score that is not a number from 0 to 1.
Scores readScores(const std::filesystem::path& runDir);

/// Whether `runDir` has scores.csv.
bool hasScores(const std::filesystem::path& runDir);

}  // namespace tinyforge::core::results
