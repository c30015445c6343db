#include "core/results/predictions_file.h"

#include <algorithm>
#include <charconv>
#include <sstream>

#include "core/data/csv_table.h"
#include "core/error.h"
#include "core/io/file_bytes.h"

namespace tinyforge::core::results {

namespace fs = std::filesystem;

namespace {

fs::path fileOf(const fs::path& runDir) { return runDir / "predictions.csv"; }

}  // namespace

const std::vector<std::string>& predictionColumns() {
    static const std::vector<std::string> columns{"teacher", "student_scratch", "student", "compressed", "deployed"};
    return columns;
}

std::int64_t Predictions::correct(const std::string& model) const {
    const auto found = byModel.find(model);
    if (found == byModel.end()) throw Error("predictions: no column '" + model + "'");
    std::int64_t right = 0;
    for (std::size_t i = 0; i < label.size(); ++i) right += found->second[i] == label[i];
    return right;
}

void writePredictions(const fs::path& runDir, const Predictions& predictions) {
    std::vector<std::string> models;
    for (const auto& name : predictionColumns()) {
        const auto found = predictions.byModel.find(name);
        if (found == predictions.byModel.end()) continue;
        if (found->second.size() != predictions.index.size() || predictions.label.size() != predictions.index.size()) {
            throw Error("predictions of " + name + ": " + std::to_string(found->second.size()) + " for " + std::to_string(predictions.index.size()) + " samples");
        }
        models.push_back(name);
    }
    std::ostringstream out;
    out << "index,label";
    for (const auto& name : models) out << ',' << name;
    out << '\n';
    for (std::size_t i = 0; i < predictions.index.size(); ++i) {
        out << predictions.index[i] << ',' << predictions.label[i];
        for (const auto& name : models) out << ',' << predictions.byModel.at(name)[i];
        out << '\n';
    }
    const std::string text = out.str();
    io::writeFileAtomically(fileOf(runDir), text.data(), text.size());
}

Predictions readPredictions(const fs::path& runDir) {
    const fs::path file = fileOf(runDir);
    if (!fs::is_regular_file(file)) throw DataError(file, "", "missing: runs made before this studio version have none (run the recipe again)");
    const auto table = data::parseCsv(io::readTextFile(file), file);
    if (table.header.size() < 2 || table.header[0] != "index" || table.header[1] != "label") {
        throw DataError(file, "line 1", "the header must begin with index,label");
    }
    for (std::size_t c = 2; c < table.header.size(); ++c) {
        const auto& known = predictionColumns();
        if (std::find(known.begin(), known.end(), table.header[c]) == known.end()) {
            throw DataError(file, "line 1", "unknown column '" + table.header[c] + "'");
        }
    }
    Predictions p;
    for (std::size_t r = 0; r < table.rows.size(); ++r) {
        for (std::size_t c = 0; c < table.header.size(); ++c) {
            const std::string& field = table.rows[r][c];
            std::int64_t value = -1;
            const auto [end, error] = std::from_chars(field.data(), field.data() + field.size(), value);
            if (error != std::errc() || end != field.data() + field.size() || value < 0) {
                throw DataError(file, "line " + std::to_string(table.lineNumbers[r]) + ", " + table.header[c],
                                "'" + field + "' is not a whole number >= 0");
            }
            if (c == 0) p.index.push_back(value);
            else if (c == 1) p.label.push_back(value);
            else p.byModel[table.header[c]].push_back(value);
        }
    }
    return p;
}

}  // namespace tinyforge::core::results
