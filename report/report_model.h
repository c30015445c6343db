#pragma once
// What a comparison report says, computed once from the runs and then written as HTML or PDF: the models table, each
// model against the baseline (McNemar and the difference's interval), the Pareto fronts, the per-layer comparison,
// per-class figures and the settings that differ between runs. Writers format these figures; they compute nothing.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "report/report_inputs.h"
#include "report/report_stats.h"

namespace tinyforge::report {

/// A model of a run (teacher, scratch student, distilled student, compressed) or the compressed model on a device.
struct ModelRow {
    std::size_t run = 0;
    std::string model;  ///< "teacher", "student_scratch", "student", "compressed" or "device"
    std::string name;   ///< what the report calls it ("distilled student", "stm32f405 (emulator)")
    std::string arch;
    double accuracy = 0;  ///< test accuracy (compressed: the deployed figure; device: on the device's samples)
    std::int64_t samples = 0;
    Interval ci95;  ///< Wilson interval on `samples`
    std::optional<std::int64_t> params, macs, bytesFp32, bytesDeployed;
    std::optional<double> ratioToTeacher;  ///< the run's fp32 teacher bytes / this model's bytes as deployed
    const core::results::DeviceResult* device = nullptr;  ///< the device entry of a "device" row (owned by Report::runs)
    /// The row's bytes as it would ship: deployed bytes when compressed, else fp32.
    std::optional<std::int64_t> shippedBytes() const { return bytesDeployed ? bytesDeployed : bytesFp32; }
};

/// A model against the baseline, on the same test samples.
struct Comparison {
    std::size_t row = 0;  ///< into Report::models
    std::int64_t firstOnly = 0, secondOnly = 0, samples = 0;  ///< model only / baseline only right
    std::optional<PairedDifference> difference;  ///< absent when the test samples differ (`problem` says why)
    std::string problem;
};

/// Accuracy against a cost (bytes, or latency on one board); dominated points name their dominator.
struct ParetoView {
    std::string title, costLabel;
    std::vector<std::size_t> rows;  ///< into Report::models
    std::vector<double> costs;
    std::vector<std::optional<std::size_t>> dominatedBy;  ///< index into `rows`
};

/// One layer of one run's student and what compression did to it (and its time on a device where profiled).
struct LayerRow {
    std::string layer, type;
    std::size_t run = 0;
    std::int64_t params = 0, macs = 0;
    std::optional<double> sparsity;
    std::optional<int> clusters, bits;
    std::string encoding;
    std::optional<std::int64_t> bytes;
    std::optional<std::int64_t> deviceCount;  ///< per inference, in deviceUnit
    std::string deviceUnit, deviceBoard;
};

/// Per-class figures of one model.
struct ClassView {
    std::size_t row = 0;  ///< into Report::models
    std::vector<std::vector<std::int64_t>> counts;  ///< [truth][predicted]
    std::vector<ClassFigures> figures;
};

/// A model's class scores seen as verification (identity datasets): the pooled one-vs-rest curve and its operating
/// points, and the mean of the per-class equal error rates.
struct VerificationView {
    std::size_t row = 0;  ///< into Report::models
    VerificationCurve curve;
    double meanClassEer = 0;  ///< over the classes with both genuine and impostor scores
    int classesScored = 0;
    std::string scoredAs;  ///< what produced the scores ("float model, weights on the integer grid" for compressed)
};

/// A recipe setting that is not the same in every run.
struct SettingDiff {
    std::string key;
    std::vector<std::string> values;  ///< per run, "" when the run's recipe lacks it
};

struct ReportOptions {
    std::optional<std::filesystem::path> baseline;  ///< the run whose teacher is the baseline; default the first run
    std::string version;                            ///< the studio's
    std::string generated;                          ///< when, as text
};

/// Moved, never copied: device rows point into `runs`, which a move keeps in place.
struct Report {
    Report() = default;
    Report(Report&&) = default;
    Report& operator=(Report&&) = default;
    Report(const Report&) = delete;
    Report& operator=(const Report&) = delete;

    std::vector<ReportRun> runs;
    std::string version, generated;
    std::vector<SettingDiff> settings;
    std::vector<ModelRow> models;
    std::optional<std::size_t> baseline;  ///< into models
    std::vector<Comparison> comparisons;
    std::vector<ParetoView> pareto;
    std::vector<LayerRow> layers;
    std::vector<ClassView> classes;  ///< the baseline, then each run's compressed model (or final student)
    std::vector<VerificationView> verification;  ///< the same models, where their runs kept class scores
};

/// Builds the report of `runs`. Throws Error when there are no runs, or the baseline is not one of them or has no
/// teacher or student.
Report buildReport(std::vector<ReportRun> runs, const ReportOptions& options);

/// The predictions column a model row is scored by ("deployed" for a quantized compressed model); "" for a device.
std::string predictionColumn(const ModelRow& row, const ReportRun& run);

}  // namespace tinyforge::report
