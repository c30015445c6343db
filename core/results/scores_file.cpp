#include "core/results/scores_file.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/data/csv_table.h"
#include "core/error.h"
#include "core/io/file_bytes.h"
#include "core/results/predictions_file.h"

namespace tinyforge::core::results {

namespace fs = std::filesystem;

namespace {

fs::path fileOf(const fs::path& runDir) { return runDir / "scores.csv"; }

std::int64_t wholeNumber(const std::string& field, const fs::path& file, const std::string& where) {
    std::int64_t value = -1;
    const auto [end, error] = std::from_chars(field.data(), field.data() + field.size(), value);
    if (error != std::errc() || end != field.data() + field.size() || value < 0) throw DataError(file, where, "'" + field + "' is not a whole number >= 0");
    return value;
}

float probability(const std::string& field, const fs::path& file, const std::string& where) {
    char* end = nullptr;
    const double value = field.empty() ? NAN : std::strtod(field.c_str(), &end);
    if (field.empty() || end != field.c_str() + field.size() || !std::isfinite(value) || value < 0 || value > 1) {
        throw DataError(file, where, "'" + field + "' is not a score from 0 to 1");
    }
    return static_cast<float>(value);
}

}  // namespace

void writeScores(const fs::path& runDir, const Scores& scores) {
    std::string out = "model,index,label";
    for (int c = 0; c < scores.classes; ++c) out += ",class_" + std::to_string(c);
    out += '\n';
    char number[32];
    for (const auto& [model, s] : scores.byModel) {
        if (s.index.size() != s.label.size() || s.index.size() != s.scores.size()) throw Error("scores of " + model + ": lists of different lengths");
        for (std::size_t i = 0; i < s.index.size(); ++i) {
            if (s.scores[i].size() != static_cast<std::size_t>(scores.classes)) throw Error("scores of " + model + ": a sample without one score per class");
            out += model + ',' + std::to_string(s.index[i]) + ',' + std::to_string(s.label[i]);
            for (const float v : s.scores[i]) {
                std::snprintf(number, sizeof number, ",%.6g", static_cast<double>(v));
                out += number;
            }
            out += '\n';
        }
    }
    io::writeFileAtomically(fileOf(runDir), out.data(), out.size());
}

bool hasScores(const fs::path& runDir) {
    std::error_code ec;
    return fs::is_regular_file(fileOf(runDir), ec);
}

Scores readScores(const fs::path& runDir) {
    const fs::path file = fileOf(runDir);
    if (!fs::is_regular_file(file)) throw DataError(file, "", "missing");
    const auto table = data::parseCsv(io::readTextFile(file), file);
    const auto& h = table.header;
    if (h.size() < 4 || h[0] != "model" || h[1] != "index" || h[2] != "label") {
        throw DataError(file, "line 1", "the header must be model,index,label,class_0,...");
    }
    Scores out;
    out.classes = static_cast<int>(h.size() - 3);
    for (int c = 0; c < out.classes; ++c) {
        if (h[static_cast<std::size_t>(c) + 3] != "class_" + std::to_string(c)) {
            throw DataError(file, "line 1", "column " + std::to_string(c + 4) + " must be class_" + std::to_string(c));
        }
    }
    const auto& known = predictionColumns();
    for (std::size_t r = 0; r < table.rows.size(); ++r) {
        const auto& row = table.rows[r];
        const std::string line = "line " + std::to_string(table.lineNumbers[r]);
        if (std::find(known.begin(), known.end(), row[0]) == known.end()) throw DataError(file, line, "unknown model '" + row[0] + "'");
        auto& s = out.byModel[row[0]];
        s.index.push_back(wholeNumber(row[1], file, line + ", index"));
        const auto label = wholeNumber(row[2], file, line + ", label");
        if (label >= out.classes) throw DataError(file, line + ", label", std::to_string(label) + " is beyond the " + std::to_string(out.classes) + " classes");
        s.label.push_back(label);
        std::vector<float> values;
        for (std::size_t c = 3; c < row.size(); ++c) values.push_back(probability(row[c], file, line + ", " + h[c]));
        s.scores.push_back(std::move(values));
    }
    return out;
}

}  // namespace tinyforge::core::results
