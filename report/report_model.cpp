#include "report/report_model.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "core/error.h"

namespace tinyforge::report {

namespace fs = std::filesystem;
using core::results::CompressedResult;
using core::results::ModelResult;

namespace {

std::int64_t correctCount(double accuracy, std::int64_t samples) { return std::llround(accuracy * static_cast<double>(samples)); }

std::string compressedName(const CompressedResult& c) {
    std::string name = "compressed (";
    name += std::to_string(static_cast<int>(std::lround(c.sparsity * 100))) + "% zeros";
    if (!c.clusters.empty()) name += ", clustered";
    if (c.quantization != "none") name += ", int" + std::to_string(c.weight_bits) + " " + c.quantization;
    return name + ")";
}

ModelRow modelRow(std::size_t run, const std::string& model, const std::string& name, const ModelResult& m, std::int64_t testSamples) {
    ModelRow row;
    row.run = run;
    row.model = model;
    row.name = name;
    row.arch = m.arch;
    row.accuracy = m.test_accuracy;
    row.samples = testSamples;
    row.params = m.params;
    row.macs = m.macs;
    row.bytesFp32 = m.bytes_fp32;
    return row;
}

void addRunRows(std::size_t index, const ReportRun& run, std::vector<ModelRow>& rows) {
    const auto& s = run.summary;
    const auto n = s.dataset.test;
    const auto first = rows.size();
    if (s.teacher) rows.push_back(modelRow(index, "teacher", "teacher", *s.teacher, n));
    if (s.student_scratch) rows.push_back(modelRow(index, "student_scratch", "student from labels", *s.student_scratch, n));
    if (s.student) rows.push_back(modelRow(index, "student", "distilled student", *s.student, n));
    if (s.compressed) {
        const auto* student = s.finalStudent();
        ModelRow row;
        row.run = index;
        row.model = "compressed";
        row.name = compressedName(*s.compressed);
        row.arch = s.compressed->arch;
        row.accuracy = s.compressed->deployedAccuracy();
        row.samples = n;
        row.params = s.compressed->params;
        if (student) row.macs = student->macs;
        row.bytesDeployed = s.compressed->bytes_deployed;
        rows.push_back(row);
        for (const auto& device : s.devices) {
            ModelRow d;
            d.run = index;
            d.model = "device";
            d.name = device.board + " (" + device.measured_on + ")";
            d.arch = row.arch;
            d.accuracy = device.accuracy;
            d.samples = device.samples;
            d.bytesDeployed = row.bytesDeployed;
            d.device = &device;
            rows.push_back(d);
        }
    }
    for (auto i = first; i < rows.size(); ++i) {
        auto& row = rows[i];
        // The summary's accuracy is quoted as written; the test split's size from the summary, else predictions.csv.
        if (row.model != "device" && row.samples == 0 && run.predictions) row.samples = static_cast<std::int64_t>(run.predictions->index.size());
        row.ci95 = wilsonInterval(correctCount(row.accuracy, row.samples), row.samples);
        const auto shipped = row.shippedBytes();
        if (s.teacher && shipped && *shipped > 0) row.ratioToTeacher = static_cast<double>(s.teacher->bytes_fp32) / static_cast<double>(*shipped);
    }
}

// Flattens a recipe into dotted keys and their JSON text (lists stay whole).
void flatten(const nlohmann::json& value, const std::string& prefix, std::map<std::string, std::string>& out) {
    if (value.is_object() && !value.empty()) {
        for (const auto& [key, child] : value.items()) flatten(child, prefix.empty() ? key : prefix + "." + key, out);
        return;
    }
    out[prefix] = value.is_string() ? value.get<std::string>() : value.dump();
}

std::vector<SettingDiff> settingDiffs(const std::vector<ReportRun>& runs) {
    std::vector<std::map<std::string, std::string>> flat(runs.size());
    std::set<std::string> keys;
    for (std::size_t i = 0; i < runs.size(); ++i) {
        flatten(runs[i].recipe, "", flat[i]);
        for (const auto& [key, value] : flat[i]) keys.insert(key);
    }
    std::vector<SettingDiff> out;
    for (const auto& key : keys) {
        SettingDiff diff{key, {}};
        for (const auto& f : flat) diff.values.push_back(f.count(key) ? f.at(key) : "");
        if (std::adjacent_find(diff.values.begin(), diff.values.end(), std::not_equal_to<>()) != diff.values.end()) out.push_back(std::move(diff));
    }
    return out;
}

std::size_t baselineRun(const std::vector<ReportRun>& runs, const std::optional<fs::path>& baseline) {
    if (!baseline) return 0;
    std::error_code ec;
    for (std::size_t i = 0; i < runs.size(); ++i) {
        // The run itself, or the folder of repeats it belongs to (its first seed stands for it).
        if (fs::equivalent(runs[i].dir, *baseline, ec) || fs::equivalent(runs[i].dir.parent_path(), *baseline, ec)) return i;
    }
    throw SettingsError("the baseline " + baseline->string() + " is not one of the runs compared");
}

Comparison compare(std::size_t rowIndex, const ModelRow& row, const ReportRun& run, const ModelRow& base, const ReportRun& baseRun) {
    Comparison c;
    c.row = rowIndex;
    if (!run.predictions || !baseRun.predictions) {
        c.problem = "no predictions.csv (run written before per-sample predictions were kept)";
        return c;
    }
    const auto& p = *run.predictions;
    const auto& q = *baseRun.predictions;
    if (p.index != q.index || p.label != q.label) {
        c.problem = "tested on other samples than the baseline";
        return c;
    }
    const auto mineColumn = p.byModel.find(predictionColumn(row, run));
    const auto theirsColumn = q.byModel.find(predictionColumn(base, baseRun));
    if (mineColumn == p.byModel.end() || theirsColumn == q.byModel.end()) {
        c.problem = "predictions.csv has no column for this model or the baseline";
        return c;
    }
    const auto& mine = mineColumn->second;
    const auto& theirs = theirsColumn->second;
    for (std::size_t i = 0; i < p.label.size(); ++i) {
        const bool a = mine[i] == p.label[i], b = theirs[i] == p.label[i];
        c.firstOnly += a && !b;
        c.secondOnly += b && !a;
    }
    c.samples = static_cast<std::int64_t>(p.label.size());
    if (c.samples > 0) c.difference = pairedDifference(c.firstOnly, c.secondOnly, c.samples);
    return c;
}

ParetoView paretoView(std::string title, std::string costLabel, std::vector<std::size_t> rows, std::vector<double> costs,
                      const std::vector<ModelRow>& models) {
    ParetoView view{std::move(title), std::move(costLabel), std::move(rows), std::move(costs), {}};
    std::vector<ParetoPoint> points;
    for (std::size_t i = 0; i < view.rows.size(); ++i) points.push_back({models[view.rows[i]].accuracy, view.costs[i]});
    view.dominatedBy = paretoDominators(points);
    return view;
}

std::vector<ParetoView> paretoViews(const std::vector<ModelRow>& models) {
    std::vector<ParetoView> out;
    std::vector<std::size_t> rows;
    std::vector<double> costs;
    for (std::size_t i = 0; i < models.size(); ++i) {
        const auto bytes = models[i].shippedBytes();
        if (models[i].model != "device" && bytes) {
            rows.push_back(i);
            costs.push_back(static_cast<double>(*bytes));
        }
    }
    if (!rows.empty()) out.push_back(paretoView("Accuracy against bytes as deployed", "bytes as deployed (fp32 for float models)", rows, costs, models));
    // One view per board and unit: counts of an emulator and milliseconds of a board never share an axis.
    std::map<std::string, std::pair<std::vector<std::size_t>, std::vector<double>>> byBoard;
    for (std::size_t i = 0; i < models.size(); ++i) {
        const auto* d = models[i].device;
        if (!d) continue;
        if (d->latency_ms) {
            auto& [r, c] = byBoard[d->board + " (milliseconds, measured)"];
            r.push_back(i);
            c.push_back(*d->latency_ms);
        } else if (d->latency_count) {
            auto& [r, c] = byBoard[d->board + " (" + d->count_unit.value_or("counts") + " per inference, " + d->measured_on + ")"];
            r.push_back(i);
            c.push_back(static_cast<double>(*d->latency_count));
        }
    }
    for (auto& [label, points] : byBoard) out.push_back(paretoView("Accuracy against latency on " + label, "latency: " + label, points.first, points.second, models));
    return out;
}

std::vector<LayerRow> layerRows(const std::vector<ReportRun>& runs) {
    std::vector<LayerRow> out;
    for (std::size_t r = 0; r < runs.size(); ++r) {
        const auto& s = runs[r].summary;
        const auto* student = s.finalStudent();
        if (!student) continue;
        const auto* device = [&]() -> const core::results::DeviceResult* {
            for (const auto& d : s.devices) if (!d.layers.empty()) return &d;
            return nullptr;
        }();
        for (const auto& l : student->layers) {
            if (l.params == 0) continue;
            // A compressed run lists the layers compression encoded (BatchNorm is folded into the convolutions).
            if (s.compressed && !s.compressed->bytes_by_layer.empty() && !s.compressed->bytes_by_layer.count(l.name)) continue;
            LayerRow row{l.name, l.type, r, l.params, l.macs, {}, {}, {}, "", {}, {}, "", ""};
            if (const auto& c = s.compressed) {
                if (c->sparsity_by_layer && c->sparsity_by_layer->count(l.name)) row.sparsity = c->sparsity_by_layer->at(l.name);
                if (c->clusters.count(l.name)) row.clusters = c->clusters.at(l.name);
                if (c->quantization != "none") row.bits = c->weight_bits;
                if (c->encoding_by_layer.count(l.name)) row.encoding = c->encoding_by_layer.at(l.name);
                if (c->bytes_by_layer.count(l.name)) row.bytes = c->bytes_by_layer.at(l.name);
            }
            if (device) {
                for (const auto& dl : device->layers) {
                    if (dl.name != l.name) continue;
                    row.deviceCount = dl.count;
                    row.deviceUnit = device->count_unit.value_or("");
                    row.deviceBoard = device->board;
                }
            }
            out.push_back(std::move(row));
        }
    }
    // Side by side: each layer's rows of every run together, in the first run's layer order.
    std::map<std::string, std::size_t> firstSeen;
    for (std::size_t i = 0; i < out.size(); ++i) firstSeen.emplace(out[i].layer, i);
    std::stable_sort(out.begin(), out.end(), [&](const LayerRow& a, const LayerRow& b) { return firstSeen[a.layer] < firstSeen[b.layer]; });
    return out;
}

std::optional<ClassView> classView(std::size_t rowIndex, const ModelRow& row, const ReportRun& run) {
    if (!run.predictions || row.model == "device") return std::nullopt;
    const auto column = predictionColumn(row, run);
    if (!run.predictions->byModel.count(column)) return std::nullopt;
    const auto& labels = run.predictions->label;
    const auto& predicted = run.predictions->byModel.at(column);
    std::int64_t classes = run.summary.dataset.classes;
    for (std::size_t i = 0; i < labels.size(); ++i) classes = std::max({classes, labels[i] + 1, predicted[i] + 1});
    ClassView view;
    view.row = rowIndex;
    view.counts = confusionMatrix(labels, predicted, static_cast<int>(classes));
    view.figures = classFigures(view.counts);
    return view;
}

std::optional<VerificationView> verificationView(std::size_t rowIndex, const ModelRow& row, const ReportRun& run) {
    if (!run.scores || row.model == "device") return std::nullopt;
    const auto found = run.scores->byModel.find(row.model);
    if (found == run.scores->byModel.end() || found->second.scores.empty()) return std::nullopt;
    const auto& s = found->second;
    VerificationView view;
    view.row = rowIndex;
    auto [genuine, impostor] = genuineAndImpostor(s.scores, s.label);
    if (genuine.empty() || impostor.empty()) return std::nullopt;
    view.curve = verificationCurve(std::move(genuine), std::move(impostor));
    // Each class's own genuine and impostor scores, gathered in one pass (an identity set can have a thousand classes).
    const auto classes = static_cast<std::size_t>(run.scores->classes);
    std::vector<std::vector<double>> classGenuine(classes), classImpostor(classes);
    for (std::size_t i = 0; i < s.scores.size(); ++i) {
        for (std::size_t c = 0; c < s.scores[i].size() && c < classes; ++c) {
            (static_cast<std::int64_t>(c) == s.label[i] ? classGenuine : classImpostor)[c].push_back(s.scores[i][c]);
        }
    }
    double sum = 0;
    for (std::size_t c = 0; c < classes; ++c) {
        if (classGenuine[c].empty() || classImpostor[c].empty()) continue;
        sum += verificationCurve(std::move(classGenuine[c]), std::move(classImpostor[c])).eer;
        ++view.classesScored;
    }
    view.meanClassEer = view.classesScored > 0 ? sum / view.classesScored : 0;
    view.scoredAs = row.model == "compressed" ? "float model with its weights on the integer grid (softmax)" : "softmax of the model's outputs";
    return view;
}

}  // namespace

std::string predictionColumn(const ModelRow& row, const ReportRun& run) {
    if (row.model == "device") return "";
    if (row.model == "compressed" && run.predictions && run.predictions->byModel.count("deployed")) return "deployed";
    return row.model;
}

Report buildReport(std::vector<ReportRun> runs, const ReportOptions& options) {
    if (runs.empty()) throw SettingsError("a report needs at least one run folder");
    Report report;
    report.runs = std::move(runs);
    report.version = options.version;
    report.generated = options.generated;
    report.settings = settingDiffs(report.runs);
    for (std::size_t i = 0; i < report.runs.size(); ++i) addRunRows(i, report.runs[i], report.models);

    const auto baseRun = baselineRun(report.runs, options.baseline);
    for (const char* model : {"teacher", "student", "student_scratch"}) {
        for (std::size_t i = 0; i < report.models.size() && !report.baseline; ++i) {
            if (report.models[i].run == baseRun && report.models[i].model == model) report.baseline = i;
        }
    }
    if (!report.baseline) throw SettingsError("the baseline run " + report.runs[baseRun].dir.string() + " has no teacher or student to compare against");

    const auto& base = report.models[*report.baseline];
    for (std::size_t i = 0; i < report.models.size(); ++i) {
        if (i == *report.baseline || report.models[i].model == "device") continue;
        report.comparisons.push_back(compare(i, report.models[i], report.runs[report.models[i].run], base, report.runs[baseRun]));
    }
    report.pareto = paretoViews(report.models);
    report.layers = layerRows(report.runs);
    if (auto view = classView(*report.baseline, base, report.runs[baseRun])) report.classes.push_back(std::move(*view));
    if (auto view = verificationView(*report.baseline, base, report.runs[baseRun])) report.verification.push_back(std::move(*view));
    for (std::size_t i = 0; i < report.models.size(); ++i) {
        const auto& row = report.models[i];
        const auto& s = report.runs[row.run].summary;
        const bool handedOn = row.model == "compressed" || (!s.compressed && row.model == (s.student ? "student" : "student_scratch"));
        if (i == *report.baseline || !handedOn) continue;
        if (auto view = classView(i, row, report.runs[row.run])) report.classes.push_back(std::move(*view));
        if (auto view = verificationView(i, row, report.runs[row.run])) report.verification.push_back(std::move(*view));
    }
    return report;
}

}  // namespace tinyforge::report
