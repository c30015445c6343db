#include "report/sweep_table.h"

#include <algorithm>
#include <set>

#include "core/error.h"
#include "core/io/file_bytes.h"
#include "core/io/json_text.h"
#include "core/results/summary_file.h"
#include "core/sweep/sweep_plan.h"
#include "report/report_stats.h"

namespace tinyforge::report {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::optional<json> readJsonIfPresent(const fs::path& file) {
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) return std::nullopt;
    try {
        return core::io::readJsonFile(file, 16 << 20);
    } catch (const DataError&) {
        return std::nullopt;
    }
}

double reusedSeconds(const fs::path& runDir) {
    double total = 0;
    const auto stages = readJsonIfPresent(runDir / "stages.json");
    if (!stages || !stages->contains("stages") || !stages->at("stages").is_array()) return 0;
    for (const auto& s : stages->at("stages")) {
        if (s.is_object() && s.value("reused", false) && s.contains("train_seconds") && s.at("train_seconds").is_number()) {
            total += s.at("train_seconds").get<double>();
        }
    }
    return total;
}

void fillFromSummary(SweepRow& row, const core::results::RunSummary& s) {
    if (s.teacher) row.teacher_accuracy = s.teacher->test_accuracy;
    if (const auto* student = s.finalStudent()) row.student_accuracy = student->test_accuracy;
    if (const auto* student = s.finalStudent()) row.val_accuracy = student->val_accuracy;
    if (s.compressed) {
        if (s.compressed->val_accuracy) row.val_accuracy = s.compressed->val_accuracy;
        row.deployed_accuracy = s.compressed->deployedAccuracy();
        row.deployed_bytes = s.compressed->bytes_deployed;
    }
    if (s.ratios && s.ratios->teacher_to_deployed) row.teacher_to_deployed = *s.ratios->teacher_to_deployed;
    if (const auto total = s.timings.find("total_seconds"); total != s.timings.end()) row.seconds = total->second;
    for (const auto& d : s.devices) {
        SweepDeviceFigures f;
        f.board = d.board;
        f.backend = d.backend;
        f.measured_on = d.measured_on;
        f.count_unit = d.count_unit;
        f.latency_count = d.latency_count;
        f.latency_ms = d.latency_ms;
        f.flash_bytes = d.flash_bytes;
        f.ram_bytes = d.ram_bytes;
        f.samples = d.samples;
        f.identical = d.identical;
        row.devices.push_back(f);
    }
}

std::string csvField(const std::string& text) {
    if (text.find_first_of(",\"\n") == std::string::npos) return text;
    std::string out = "\"";
    for (const char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

template <class T>
std::string csvNumber(const std::optional<T>& v) {
    if (!v) return "";
    return json(*v).dump();
}

}  // namespace

std::size_t SweepTable::count(const std::string& status) const {
    return static_cast<std::size_t>(std::count_if(points.begin(), points.end(), [&](const SweepRow& r) { return r.status == status; }));
}

std::string settingsLabel(const std::vector<std::string>& axes, const std::vector<json>& values) {
    std::string out;
    for (std::size_t a = 0; a < axes.size() && a < values.size(); ++a) {
        out += (a ? ", " : "") + axes[a] + "=" + (values[a].is_string() ? values[a].get<std::string>() : values[a].dump());
    }
    return out;
}

bool isSweepFolder(const fs::path& dir) {
    std::error_code ec;
    return fs::is_regular_file(dir / "plan.json", ec);
}

std::string sweepFolderStamp(const fs::path& dir) {
    std::string stamp;
    const auto add = [&stamp](const fs::path& file) {
        std::error_code ec;
        const auto size = fs::file_size(file, ec);
        if (ec) return;  // absent (a pending point): absence is part of the stamp by omission
        const auto time = fs::last_write_time(file, ec).time_since_epoch().count();
        stamp += file.filename().string() + ':' + std::to_string(size) + ':' + std::to_string(time) + ';';
    };
    add(dir / "plan.json");
    std::error_code ec;
    std::vector<fs::path> points;
    for (fs::directory_iterator it(dir / "points", ec), end; !ec && it != end; it.increment(ec)) points.push_back(it->path());
    std::sort(points.begin(), points.end());
    for (const auto& point : points) {
        stamp += point.filename().string() + '/';
        for (const char* name : {"status.json", "summary.json", "stages.json"}) add(point / name);
    }
    return stamp;
}

SweepTable collectSweep(const fs::path& dir) {
    const auto planFile = dir / "plan.json";
    const json plan = core::io::readJsonFile(planFile, 64 << 20);
    SweepTable table;
    try {
        table.name = plan.at("name").get<std::string>();
        table.recipe = plan.at("recipe").get<std::string>();
        table.axes = plan.at("axes").get<std::vector<std::string>>();
        for (const auto& p : plan.at("points")) {
            SweepRow row;
            row.id = p.at("id").get<std::string>();
            row.values = p.at("values").get<std::vector<json>>();
            table.points.push_back(std::move(row));
        }
    } catch (const json::exception& e) {
        throw DataError(planFile, "", std::string("not a sweep plan: ") + e.what());
    }
    for (auto& row : table.points) {
        const auto folder = core::sweep::pointFolder(dir, row.id);
        const auto status = readJsonIfPresent(folder / "status.json");
        row.status = status && status->contains("state") && status->at("state").is_string() ? status->at("state").get<std::string>() : "pending";
        if (status && status->contains("message") && status->at("message").is_string()) row.message = status->at("message").get<std::string>();
        try {
            if (const auto summary = core::results::readSummaryIfPresent(folder)) fillFromSummary(row, *summary);
        } catch (const std::exception& e) {
            row.status = "failed";
            row.message = e.what();
        }
        if (const double reused = reusedSeconds(folder); reused > 0) row.reused_seconds = reused;
    }
    // The front over the finished points that have a deployed model.
    std::vector<std::size_t> candidates;
    std::vector<ParetoPoint> points;
    for (std::size_t i = 0; i < table.points.size(); ++i) {
        const auto& r = table.points[i];
        if (r.status != "done" || !r.deployed_accuracy || !r.deployed_bytes) continue;
        candidates.push_back(i);
        points.push_back({*r.deployed_accuracy, static_cast<double>(*r.deployed_bytes)});
    }
    const auto dominators = paretoDominators(points);
    for (std::size_t k = 0; k < candidates.size(); ++k) {
        if (dominators[k]) table.points[candidates[k]].dominated_by = table.points[candidates[*dominators[k]]].id;
    }
    return table;
}

std::string sweepCsv(const SweepTable& table) {
    std::vector<std::string> boards;
    for (const auto& r : table.points) {
        for (const auto& d : r.devices) {
            const auto name = d.board + (d.backend == "qemu" ? "" : "_" + d.backend);
            if (std::find(boards.begin(), boards.end(), name) == boards.end()) boards.push_back(name);
        }
    }
    std::string out = "id";
    for (const auto& a : table.axes) out += "," + csvField(a);
    out += ",status,teacher_accuracy,student_accuracy,val_accuracy,deployed_accuracy,deployed_bytes,teacher_to_deployed";
    for (const auto& b : boards) out += "," + b + "_latency," + b + "_latency_unit," + b + "_latency_ms," + b + "_flash_bytes," + b + "_ram_bytes," + b + "_identical";
    out += ",seconds,reused_seconds,dominated_by,message\n";
    for (const auto& r : table.points) {
        out += csvField(r.id);
        for (std::size_t a = 0; a < table.axes.size(); ++a) {
            const json v = a < r.values.size() ? r.values[a] : json();
            out += "," + csvField(v.is_string() ? v.get<std::string>() : v.is_null() ? "" : v.dump());
        }
        out += "," + r.status + "," + csvNumber(r.teacher_accuracy) + "," + csvNumber(r.student_accuracy) + "," + csvNumber(r.val_accuracy) + "," +
               csvNumber(r.deployed_accuracy) + "," +
               csvNumber(r.deployed_bytes) + "," + csvNumber(r.teacher_to_deployed);
        for (const auto& b : boards) {
            const auto found = std::find_if(r.devices.begin(), r.devices.end(),
                                            [&](const SweepDeviceFigures& d) { return d.board + (d.backend == "qemu" ? "" : "_" + d.backend) == b; });
            if (found == r.devices.end()) {
                out += ",,,,,,";
                continue;
            }
            out += "," + csvNumber(found->latency_count) + "," + found->count_unit.value_or("") + "," + csvNumber(found->latency_ms) + "," +
                   std::to_string(found->flash_bytes) + "," + std::to_string(found->ram_bytes) + "," + std::to_string(found->identical) + "/" +
                   std::to_string(found->samples);
        }
        out += "," + csvNumber(r.seconds) + "," + csvNumber(r.reused_seconds) + "," + r.dominated_by.value_or("") + "," + csvField(r.message.value_or("")) + "\n";
    }
    return out;
}

void writeSweepTable(const fs::path& dir, const SweepTable& table) {
    const std::string text = core::contract::toJson(table).dump(2) + "\n";
    core::io::writeFileAtomically(dir / "table.json", text.data(), text.size());
    const std::string csv = sweepCsv(table);
    core::io::writeFileAtomically(dir / "table.csv", csv.data(), csv.size());
}

std::vector<std::pair<fs::path, std::string>> sweepRunFolders(const fs::path& dir) {
    const auto table = collectSweep(dir);
    std::vector<std::pair<fs::path, std::string>> out;
    for (const auto& r : table.points) {
        const auto folder = core::sweep::pointFolder(dir, r.id);
        std::error_code ec;
        if (r.status != "done" || !fs::is_regular_file(folder / "summary.json", ec)) continue;
        out.emplace_back(folder, r.id + " " + settingsLabel(table.axes, r.values));
    }
    return out;
}

}  // namespace tinyforge::report
