#include "report/report_inputs.h"

#include <algorithm>
#include <charconv>
#include <map>

#include "core/data/csv_table.h"
#include "core/error.h"
#include "core/io/file_bytes.h"
#include "core/io/json_text.h"
#include "core/results/aggregate.h"
#include "core/results/summary_file.h"
#include "report/sweep_table.h"

namespace tinyforge::report {

namespace fs = std::filesystem;

namespace {

double numberField(const std::string& text, const fs::path& file, std::size_t line, const std::string& column) {
    double value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end) throw DataError(file, "line " + std::to_string(line) + ", " + column, "'" + text + "' is not a number");
    return value;
}

// The runs a folder stands for: its seeds' runs when it holds aggregate.json, else itself.
// A folder as the runs it stands for, each with its label when the folder gives one (a sweep's point settings).
std::vector<std::pair<fs::path, std::string>> expand(const fs::path& dir) {
    if (isSweepFolder(dir)) return sweepRunFolders(dir);
    if (!fs::exists(dir / "aggregate.json")) return {{dir, ""}};
    std::vector<std::pair<fs::path, std::string>> out;
    for (const auto& run : core::results::readAggregate(dir).runs) out.emplace_back(run, "");
    return out;
}

}  // namespace

std::vector<HistoryRow> parseHistory(const std::string& text, const fs::path& file) {
    const auto table = core::data::parseCsv(text, file);
    std::map<std::string, std::size_t> column;
    for (std::size_t i = 0; i < table.header.size(); ++i) column[table.header[i]] = i;
    for (const char* required : {"model", "epoch", "val_accuracy"}) {
        if (!column.count(required)) throw DataError(file, "header", std::string("no '") + required + "' column");
    }
    std::vector<HistoryRow> out;
    for (std::size_t r = 0; r < table.rows.size(); ++r) {
        const auto& row = table.rows[r];
        const auto line = table.lineNumbers[r];
        const auto number = [&](const char* name) { return column.count(name) ? numberField(row[column[name]], file, line, name) : 0.0; };
        HistoryRow h;
        h.model = row[column["model"]];
        h.epoch = static_cast<int>(number("epoch"));
        h.loss = number("loss");
        h.trainAccuracy = number("train_accuracy");
        h.valAccuracy = number("val_accuracy");
        h.sparsity = number("sparsity");
        h.deployedBytes = static_cast<std::int64_t>(number("deployed_bytes"));
        out.push_back(std::move(h));
    }
    return out;
}

std::vector<ReportRun> loadRuns(const std::vector<fs::path>& dirs) {
    std::vector<ReportRun> runs;
    std::vector<std::string> givenLabels;
    for (const auto& given : dirs) {
        for (const auto& [dir, label] : expand(given)) {
            ReportRun run;
            run.dir = dir;
            givenLabels.push_back(label);
            run.summary = core::results::readSummary(dir);
            if (fs::exists(dir / "predictions.csv")) run.predictions = core::results::readPredictions(dir);
            if (core::results::hasScores(dir)) run.scores = core::results::readScores(dir);
            if (fs::exists(dir / "recipe.json")) run.recipe = core::io::readJsonFile(dir / "recipe.json");
            if (fs::exists(dir / "history.csv")) run.history = parseHistory(core::io::readTextFile(dir / "history.csv"), dir / "history.csv");
            runs.push_back(std::move(run));
        }
    }
    // Labels: the folder's name, with its parent's where two runs would read the same (seed-42 of two sweeps).
    for (auto& run : runs) {
        run.label = run.dir.filename().string();
        if (run.label.empty()) run.label = run.dir.parent_path().filename().string();
    }
    for (auto& run : runs) {
        const auto same = std::count_if(runs.begin(), runs.end(), [&](const ReportRun& r) { return r.dir.filename() == run.dir.filename(); });
        if (same > 1) run.label = (run.dir.parent_path().filename() / run.dir.filename()).string();
    }
    for (std::size_t i = 0; i < runs.size(); ++i) {
        if (!givenLabels[i].empty()) runs[i].label = givenLabels[i];
    }
    return runs;
}

}  // namespace tinyforge::report
