#include "core/results/aggregate.h"

#include <cmath>
#include <functional>
#include <numeric>

#include "core/error.h"
#include "core/io/file_bytes.h"
#include "core/io/json_text.h"
#include "core/results/predictions_file.h"
#include "core/results/summary_file.h"

namespace tinyforge::core::results {

namespace fs = std::filesystem;

namespace {

// Student's t quantile t(0.975, df): the table for df <= 30, then a close approximation of the slow approach to 1.96.
double tQuantile975(std::size_t df) {
    static const double table[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
                                   2.120,  2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
    if (df >= 1 && df <= 30) return table[df - 1];
    return 1.96 + 2.4 / static_cast<double>(df);
}

// The model whose predictions stand for the compressed one: the integer reference's when the run has it.
std::string compressedColumn(const Predictions& p) { return p.byModel.contains("deployed") ? "deployed" : "compressed"; }

struct SeedRun {
    std::uint64_t seed = 0;
    RunSummary summary;
    Predictions predictions;
};

std::optional<ModelSpread> spreadOfModel(const std::vector<SeedRun>& runs, const std::function<std::optional<double>(const RunSummary&)>& figure) {
    std::vector<double> values;
    for (const auto& run : runs) {
        const auto value = figure(run.summary);
        if (!value) return std::nullopt;  // a model some seeds lack is left out
        values.push_back(*value);
    }
    return ModelSpread{spreadOf(values)};
}

std::optional<Comparison> compare(const std::vector<SeedRun>& runs, const std::string& first, const std::string& second) {
    Comparison out;
    out.first = first;
    out.second = second;
    std::vector<double> differences;
    for (const auto& run : runs) {
        const auto& p = run.predictions;
        const std::string a = first == "compressed" ? compressedColumn(p) : first;
        const std::string b = second == "compressed" ? compressedColumn(p) : second;
        if (!p.byModel.contains(a) || !p.byModel.contains(b) || p.label.empty()) return std::nullopt;
        SeedComparison seed;
        seed.seed = run.seed;
        for (std::size_t i = 0; i < p.label.size(); ++i) {
            const bool rightA = p.byModel.at(a)[i] == p.label[i], rightB = p.byModel.at(b)[i] == p.label[i];
            seed.first_only += rightA && !rightB;
            seed.second_only += rightB && !rightA;
        }
        seed.difference = static_cast<double>(seed.first_only - seed.second_only) / static_cast<double>(p.label.size());
        seed.p_value = mcnemarExactP(seed.first_only, seed.second_only);
        differences.push_back(seed.difference);
        out.per_seed.push_back(seed);
    }
    out.difference = spreadOf(differences);
    return out;
}

}  // namespace

Spread spreadOf(const std::vector<double>& values) {
    if (values.empty()) throw Error("a spread of no values");
    Spread s;
    s.per_seed = values;
    const double n = static_cast<double>(values.size());
    s.mean = std::accumulate(values.begin(), values.end(), 0.0) / n;
    if (values.size() < 2) return s;
    double squares = 0;
    for (const double v : values) squares += (v - s.mean) * (v - s.mean);
    s.std = std::sqrt(squares / (n - 1));
    const double half = tQuantile975(values.size() - 1) * *s.std / std::sqrt(n);
    s.ci95 = std::array<double, 2>{s.mean - half, s.mean + half};
    return s;
}

double mcnemarExactP(std::int64_t firstOnly, std::int64_t secondOnly) {
    const std::int64_t n = firstOnly + secondOnly;
    if (n == 0) return 1.0;
    const std::int64_t k = std::min(firstOnly, secondOnly);
    // P(X <= k) for X ~ Binomial(n, 1/2), each term in logs so that n in the thousands does not overflow.
    double tail = 0;
    for (std::int64_t i = 0; i <= k; ++i) {
        const double logTerm = std::lgamma(static_cast<double>(n) + 1) - std::lgamma(static_cast<double>(i) + 1) -
                               std::lgamma(static_cast<double>(n - i) + 1) - static_cast<double>(n) * std::log(2.0);
        tail += std::exp(logTerm);
    }
    return std::min(1.0, 2.0 * tail);
}

Aggregate aggregateRuns(const std::vector<fs::path>& runDirs) {
    if (runDirs.empty()) throw Error("no runs to aggregate");
    std::vector<SeedRun> runs;
    Aggregate out;
    for (const auto& dir : runDirs) {
        SeedRun run;
        run.summary = readSummary(dir);
        run.predictions = readPredictions(dir);
        run.seed = run.summary.seed;
        if (out.recipe.empty()) out.recipe = run.summary.recipe;
        if (run.summary.recipe != out.recipe) {
            throw DataError(summaryPath(dir), "recipe", "is '" + run.summary.recipe + "', not '" + out.recipe + "' as in " + runDirs.front().string());
        }
        out.seeds.push_back(run.seed);
        out.runs.push_back(fs::absolute(dir).string());
        runs.push_back(std::move(run));
    }
    const auto accuracyOf = [](const std::optional<ModelResult>& m) { return m ? std::optional(m->test_accuracy) : std::nullopt; };
    out.teacher = spreadOfModel(runs, [&](const RunSummary& s) { return accuracyOf(s.teacher); });
    out.student_scratch = spreadOfModel(runs, [&](const RunSummary& s) { return accuracyOf(s.student_scratch); });
    out.student = spreadOfModel(runs, [&](const RunSummary& s) { return accuracyOf(s.student); });
    out.compressed = spreadOfModel(runs, [](const RunSummary& s) { return s.compressed ? std::optional(s.compressed->deployedAccuracy()) : std::nullopt; });
    const auto ratio = [&](auto pick) -> std::optional<Spread> {
        std::vector<double> values;
        for (const auto& run : runs) {
            const auto value = run.summary.ratios ? pick(*run.summary.ratios) : std::nullopt;
            if (!value) return std::nullopt;
            values.push_back(*value);
        }
        return spreadOf(values);
    };
    out.teacher_to_deployed = ratio([](const Ratios& r) { return r.teacher_to_deployed; });
    out.student_to_deployed = ratio([](const Ratios& r) { return std::optional(r.student_to_deployed); });
    for (const auto& [first, second] : {std::pair{"student", "student_scratch"}, std::pair{"compressed", "teacher"}, std::pair{"compressed", "student"}}) {
        if (auto comparison = compare(runs, first, second)) out.comparisons.push_back(std::move(*comparison));
    }
    return out;
}

void writeAggregate(const fs::path& dir, const Aggregate& aggregate) {
    const std::string text = contract::toJson(aggregate).dump(2) + "\n";
    io::writeFileAtomically(dir / "aggregate.json", text.data(), text.size());
}

Aggregate readAggregate(const fs::path& dir) {
    const fs::path file = dir / "aggregate.json";
    const auto json = io::readJsonFile(file, 64 << 20);
    Aggregate out;
    try {
        contract::fromJson(json, out);
    } catch (const contract::ContractError& e) {
        throw DataError(file, e.path(), e.problem());
    }
    return out;
}

}  // namespace tinyforge::core::results
