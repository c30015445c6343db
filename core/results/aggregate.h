#pragma once
// Runs of one recipe under several seeds, summarised: each model's test accuracy as mean, standard deviation and a
// 95% interval, the size ratios' means, and the paired comparisons that matter, each with the exact McNemar test
// on every seed's test split. Written as aggregate.json beside the per-seed run folders (tinyforge-cli run --seeds).

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/contract/json_contract.h"

namespace tinyforge::core::results {

/// A figure over seeds.
struct Spread {
    double mean = 0;
    std::optional<double> std;  ///< sample standard deviation (n - 1 in the denominator); absent for one seed
    std::optional<std::array<double, 2>> ci95;  ///< mean -+ t(0.975, n - 1) x std / sqrt(n); absent for one seed
    std::vector<double> per_seed;
    static constexpr std::string_view kName = "Spread", kDoc = "A figure over seeds";
    static auto fields() {
        using S = Spread;
        using contract::field;
        return std::tuple{field("mean", &S::mean, "mean over the seeds"), field("std", &S::std, "sample standard deviation (n - 1)"),
                          field("ci95", &S::ci95, "95% interval of the mean (Student's t)"), field("per_seed", &S::per_seed, "each seed's value, in seed order")};
    }
};

/// mean, std and ci95 of `values`. Throws Error for an empty list.
Spread spreadOf(const std::vector<double>& values);

/// The exact McNemar test on paired outcomes over the same samples: `firstOnly` samples the first model classifies
/// correctly and the second does not, `secondOnly` the reverse. Two-sided p = min(1, 2 P(X <= min(b, c))) with
/// X ~ Binomial(b + c, 1/2); 1 when there are no discordant samples.
double mcnemarExactP(std::int64_t firstOnly, std::int64_t secondOnly);

struct SeedComparison {
    std::uint64_t seed = 0;
    std::int64_t first_only = 0, second_only = 0;  ///< discordant test samples
    double difference = 0;                         ///< first's accuracy minus second's
    double p_value = 1;                            ///< exact McNemar, two-sided
    static constexpr std::string_view kName = "SeedComparison", kDoc = "One seed's paired comparison";
    static auto fields() {
        using S = SeedComparison;
        using contract::field;
        return std::tuple{field("seed", &S::seed, "the run's seed"), field("first_only", &S::first_only, "samples only the first gets right", "samples"),
                          field("second_only", &S::second_only, "samples only the second gets right", "samples"),
                          field("difference", &S::difference, "first's test accuracy minus second's", "fraction of 1"),
                          field("p_value", &S::p_value, "exact McNemar test, two-sided")};
    }
};

struct Comparison {
    std::string first, second;
    Spread difference;  ///< first's accuracy minus second's, over seeds
    std::vector<SeedComparison> per_seed;
    static constexpr std::string_view kName = "Comparison", kDoc = "Two models of the same runs, sample by sample";
    static auto fields() {
        using S = Comparison;
        using contract::field;
        return std::tuple{field("first", &S::first, "model"), field("second", &S::second, "model"),
                          field("difference", &S::difference, "first's test accuracy minus second's, over seeds", "fraction of 1"),
                          field("per_seed", &S::per_seed, "each seed's counts and McNemar p")};
    }
};

struct ModelSpread {
    Spread test_accuracy;
    static constexpr std::string_view kName = "ModelSpread", kDoc = "One model over seeds";
    static auto fields() { return std::tuple{contract::field("test_accuracy", &ModelSpread::test_accuracy, "test accuracy", "fraction of 1")}; }
};

struct Aggregate {
    int schema_version = 1;
    std::string recipe;
    std::vector<std::uint64_t> seeds;
    std::vector<std::string> runs;  ///< the per-seed run folders, in seed order
    /// compressed: the deployed figure (the integer-only reference's when quantized)
    std::optional<ModelSpread> teacher, student_scratch, student, compressed;
    std::optional<Spread> teacher_to_deployed, student_to_deployed;  ///< size ratios
    std::vector<Comparison> comparisons;
    static constexpr std::string_view kName = "Aggregate", kDoc = "aggregate.json: one recipe run under several seeds";
    static auto fields() {
        using S = Aggregate;
        using contract::field;
        return std::tuple{field("schema_version", &S::schema_version, "version of this format"), field("recipe", &S::recipe, "recipe name"),
                          field("seeds", &S::seeds, "the seeds, in order"), field("runs", &S::runs, "per-seed run folders"),
                          field("teacher", &S::teacher, "the teacher (or ensemble)"), field("student_scratch", &S::student_scratch, "the student trained from labels"),
                          field("student", &S::student, "the distilled student"),
                          field("compressed", &S::compressed, "the compressed student's deployed accuracy (integer reference when quantized)"),
                          field("teacher_to_deployed", &S::teacher_to_deployed, "fp32 teacher bytes / deployed bytes", "x"),
                          field("student_to_deployed", &S::student_to_deployed, "fp32 student bytes / deployed bytes", "x"),
                          field("comparisons", &S::comparisons, "student vs student_scratch, compressed vs teacher, compressed vs student")};
    }
};

/// Where the run of `seed` goes in a folder of repeats: OUT/seed-S (the CLI's and the window's layout).
inline std::filesystem::path seedRunFolder(const std::filesystem::path& outDir, std::uint64_t seed) {
    return outDir / ("seed-" + std::to_string(seed));
}

/// Reads each run folder's summary.json and predictions.csv and aggregates them. Throws DataError naming the file
/// for a missing or damaged one, or runs whose test splits differ from the first's.
Aggregate aggregateRuns(const std::vector<std::filesystem::path>& runDirs);

/// Writes `aggregate` as DIR/aggregate.json (atomically) and reads it back. readAggregate throws DataError naming
/// the file and the field.
void writeAggregate(const std::filesystem::path& dir, const Aggregate& aggregate);
Aggregate readAggregate(const std::filesystem::path& dir);

}  // namespace tinyforge::core::results
