#pragma once
// A sweep's results, one row per point: its settings, whether it finished, its accuracies, deployed size and each
// board's figures, and which point dominates it on accuracy against deployed bytes. Read from the sweep folder
// (plan.json, points/<id>/summary.json, status.json, stages.json); written as table.json (this contract) and
// table.csv (the same, flat, for a spreadsheet).

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/contract/json_contract.h"

namespace tinyforge::report {

using core::contract::field;

/// One board's figures for a point, in the units it measured.
struct SweepDeviceFigures {
    std::string board, backend, measured_on;
    std::optional<std::string> count_unit;     ///< instructions (emulator) or cycles (chip)
    std::optional<std::int64_t> latency_count;  ///< median per inference, in count_unit
    std::optional<double> latency_ms;           ///< measured (a chip's clock, a Linux board's timer)
    std::int64_t flash_bytes = 0, ram_bytes = 0, samples = 0, identical = 0;
    static constexpr std::string_view kName = "SweepDeviceFigures", kDoc = "A point's figures on one board";
    static auto fields() {
        using S = SweepDeviceFigures;
        return std::tuple{field("board", &S::board, "board id"), field("backend", &S::backend, "qemu, dfu, stlink or ssh"),
                          field("measured_on", &S::measured_on, "board or emulator"), field("count_unit", &S::count_unit, "unit of latency_count"),
                          field("latency_count", &S::latency_count, "median per inference", "count_unit"),
                          field("latency_ms", &S::latency_ms, "measured latency per inference", "ms"),
                          field("flash_bytes", &S::flash_bytes, "firmware flash", "bytes"), field("ram_bytes", &S::ram_bytes, "firmware RAM", "bytes"),
                          field("samples", &S::samples, "test samples run on the board", "samples"),
                          field("identical", &S::identical, "samples whose outputs equal the integer reference's", "samples")};
    }
};

struct SweepRow {
    std::string id;
    std::vector<nlohmann::json> values;  ///< one per axis, in the table's axis order
    std::string status;                  ///< done, failed, running (or interrupted) or pending
    std::optional<std::string> message;  ///< why it failed
    std::optional<double> teacher_accuracy, student_accuracy, deployed_accuracy;
    std::optional<double> val_accuracy;  ///< what successive halving ranks by: the compressed model's, else the student's
    std::optional<std::int64_t> deployed_bytes;
    std::optional<double> teacher_to_deployed;
    std::optional<double> seconds;         ///< the point's run, wall clock
    std::optional<double> reused_seconds;  ///< training time the stage cache saved this point
    std::vector<SweepDeviceFigures> devices;
    std::optional<std::string> dominated_by;  ///< on accuracy vs deployed bytes; absent on the front
    static constexpr std::string_view kName = "SweepRow", kDoc = "One point of a sweep";
    static auto fields() {
        using S = SweepRow;
        return std::tuple{field("id", &S::id, "point id, its folder under points/"), field("values", &S::values, "its value on each axis"),
                          field("status", &S::status, "done, failed, running or pending"), field("message", &S::message, "why it failed"),
                          field("teacher_accuracy", &S::teacher_accuracy, "teacher's test accuracy", "fraction of 1"),
                          field("student_accuracy", &S::student_accuracy, "distilled student's test accuracy", "fraction of 1"),
                          field("deployed_accuracy", &S::deployed_accuracy, "compressed model's test accuracy as deployed (integer reference)", "fraction of 1"),
                          field("val_accuracy", &S::val_accuracy, "validation accuracy of the compressed model, else of the final student (halving ranks by it)",
                                "fraction of 1"),
                          field("deployed_bytes", &S::deployed_bytes, "compressed model's deployed size", "bytes"),
                          field("teacher_to_deployed", &S::teacher_to_deployed, "fp32 teacher bytes / deployed bytes", "x"),
                          field("seconds", &S::seconds, "the point's run, wall clock", "s"),
                          field("reused_seconds", &S::reused_seconds, "training time of the stages taken from the stage cache", "s"),
                          field("devices", &S::devices, "figures per board"),
                          field("dominated_by", &S::dominated_by, "a point at least as accurate and as small, better on one (absent: on the front)")};
    }
};

struct SweepTable {
    int schema_version = 1;
    std::string name, recipe;
    std::vector<std::string> axes;
    std::vector<SweepRow> points;
    static constexpr std::string_view kName = "SweepTable", kDoc = "A sweep's points and their results";
    static auto fields() {
        using S = SweepTable;
        return std::tuple{field("schema_version", &S::schema_version, "version of this format"), field("name", &S::name, "sweep name"),
                          field("recipe", &S::recipe, "base recipe file"), field("axes", &S::axes, "the recipe keys varied"),
                          field("points", &S::points, "every point, in plan order")};
    }
    std::size_t count(const std::string& status) const;
};

/// True when `dir` is a sweep folder (has plan.json).
bool isSweepFolder(const std::filesystem::path& dir);

/// The sweep folder's table as it stands (points still running or pending included). Throws DataError naming the
/// file for a missing or damaged plan.json; a point whose summary is damaged is listed as failed with the reason.
SweepTable collectSweep(const std::filesystem::path& dir);

/// A fingerprint of the files collectSweep reads (plan.json and each point's status.json, summary.json and
/// stages.json: names, sizes and modification times), from file metadata alone. Equal stamps mean collectSweep would
/// read the same table, so a view polling a running sweep re-reads the folder only when a point has moved.
std::string sweepFolderStamp(const std::filesystem::path& dir);

/// Writes DIR/table.json and DIR/table.csv atomically.
void writeSweepTable(const std::filesystem::path& dir, const SweepTable& table);

/// table.csv's text: a header, then a row per point (axes, status, figures, then each board's).
std::string sweepCsv(const SweepTable& table);

/// A point's settings as people read them: "prune.final_sparsity=0.8, student.hidden=[16,8], cluster.init=linear".
std::string settingsLabel(const std::vector<std::string>& axes, const std::vector<nlohmann::json>& values);

/// Each finished point's run folder, in plan order, with a label naming its settings ("p003 cluster.clusters=16").
std::vector<std::pair<std::filesystem::path, std::string>> sweepRunFolders(const std::filesystem::path& dir);

}  // namespace tinyforge::report
