#include "report/report_sections.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "report/svg_chart.h"

namespace tinyforge::report {

namespace {

std::string esc(const std::string& text) { return xmlEscape(text); }

std::string fixed(double v, int decimals) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

using Row = std::vector<TableCell>;
using Style = TableCell::Style;

// A figure that does not exist (a model never profiled, a layer never clustered).
const std::string kNone = "\u2013";

TableCell text(std::string t) { return {Style::Text, std::move(t), {}}; }
TableCell number(std::string t) { return {Style::Number, std::move(t), {}}; }
TableCell code(std::string t) { return {Style::Code, std::move(t), {}}; }

ReportBlock heading(int level, std::string text) { return {ReportBlock::Kind::Heading, level, std::move(text), {}}; }
ReportBlock html(std::string fragment) { return {ReportBlock::Kind::Html, 0, std::move(fragment), {}}; }
ReportBlock chartBlock(std::string svg) { return {ReportBlock::Kind::Chart, 0, std::move(svg), {}}; }

ReportBlock tableBlock(std::vector<std::string> header, std::vector<Row> rows, std::string caption = "") {
    return {ReportBlock::Kind::Table, 0, {}, ReportTable{std::move(caption), std::move(header), std::move(rows)}};
}

std::string optionalNumber(const std::optional<std::int64_t>& v) { return v ? groupedNumber(*v) : kNone; }

// What the report calls a model: its run and its name.
std::string rowName(const Report& r, const ModelRow& row) { return r.runs[row.run].label + ": " + row.name; }

int colourOf(const std::string& model) {
    static const std::map<std::string, int> colours{{"teacher", 0}, {"student_scratch", 1}, {"student", 2}, {"compressed", 3}, {"device", 4},
                                                    {"compress_joint", 3}, {"compress_prune", 5}, {"compress_cluster", 6}, {"compress_qat", 7}};
    const auto it = colours.find(model);
    return it == colours.end() ? 3 : it->second;
}

std::string latencyText(const core::results::DeviceResult& d) {
    if (d.latency_ms) return fixed(*d.latency_ms, 3) + " ms (measured)";
    if (d.latency_count) {
        std::string text = groupedNumber(*d.latency_count) + " " + d.count_unit.value_or("counts");
        if (d.latency_ms_estimate) text += " (~" + fixed(*d.latency_ms_estimate, 3) + " ms estimated)";
        return text;
    }
    return kNone;
}

void whatWasCompared(const Report& r, std::vector<ReportBlock>& out) {
    out.push_back(heading(2, "What was compared"));
    std::vector<Row> data, runs;
    std::set<std::string> seen;
    for (const auto& run : r.runs) {
        const auto& d = run.summary.dataset;
        const auto key = d.name + "|" + d.source + "|" + std::to_string(d.train) + "|" + std::to_string(d.test);
        if (seen.insert(key).second)
            data.push_back({text(d.name), text(d.format), text(d.source), number(groupedNumber(d.train)), number(groupedNumber(d.val)),
                            number(groupedNumber(d.test)), number(groupedNumber(d.classes))});
        runs.push_back({text(run.label), text(run.summary.recipe), number(std::to_string(run.summary.seed)), number(std::to_string(run.summary.threads)),
                        code(run.dir.string())});
    }
    out.push_back(tableBlock({"dataset", "format", "source", "train", "validation", "test", "classes"}, std::move(data), "Dataset and splits (samples)"));
    out.push_back(tableBlock({"run", "recipe", "seed", "threads", "folder"}, std::move(runs), "Runs"));
    if (r.runs.size() > 1) {
        std::vector<std::string> header{"setting"};
        for (const auto& run : r.runs) header.push_back(run.label);
        std::vector<Row> rows;
        for (const auto& s : r.settings) {
            Row row{code(s.key)};
            for (const auto& v : s.values) row.push_back(text(v.empty() ? "(default)" : v));
            rows.push_back(std::move(row));
        }
        if (r.settings.empty()) out.push_back(html("<p>Every run used the same recipe settings.</p>"));
        else out.push_back(tableBlock(header, std::move(rows), "Recipe settings that differ between runs (the rest are the same)"));
    }
    out.push_back(html("<p class=\"note\">Each run's whole recipe is at the end of the report.</p>"));
}

void recipes(const Report& r, std::vector<ReportBlock>& out) {
    out.push_back(heading(2, "Recipes as run"));
    for (const auto& run : r.runs)
        out.push_back(html("<details><summary>" + esc(run.label) + "</summary><pre>" + esc(run.recipe.dump(2)) + "</pre></details>"));
}

void modelsTable(const Report& r, std::vector<ReportBlock>& out) {
    out.push_back(heading(2, "Models"));
    // The device columns only when a run was profiled on one.
    const bool devices = std::any_of(r.models.begin(), r.models.end(), [](const ModelRow& m) { return m.device != nullptr; });
    std::vector<Row> rows;
    for (const auto& m : r.models) {
        Row row{text(r.runs[m.run].label), text(m.name), text(m.arch), number(accuracyText(m.accuracy)),
                number(accuracyText(m.ci95.lo) + kNone + accuracyText(m.ci95.hi)), number(groupedNumber(m.samples)), number(optionalNumber(m.params)),
                number(optionalNumber(m.macs)), number(optionalNumber(m.bytesFp32)), number(optionalNumber(m.bytesDeployed)),
                number(m.ratioToTeacher ? fixed(*m.ratioToTeacher, 1) + "x" : kNone)};
        if (const auto* d = m.device) {
            row.insert(row.end(), {number(groupedNumber(d->flash_bytes)), number(groupedNumber(d->ram_bytes)), text(latencyText(*d)),
                                   number(d->energy_uj ? fixed(*d->energy_uj, 2) + " \u00b5J" : kNone),
                                   number(groupedNumber(d->identical) + " / " + groupedNumber(d->samples))});
        } else if (devices) {
            row.resize(row.size() + 5);
        }
        rows.push_back(std::move(row));
    }
    std::vector<std::string> header{"run", "model", "architecture", "test accuracy", "95% interval", "test samples", "parameters", "MACs / sample",
                                    "fp32 bytes", "bytes as deployed", "smaller than teacher"};
    if (devices) header.insert(header.end(), {"flash bytes", "RAM bytes", "latency / inference", "energy / inference", "outputs identical to the reference"});
    out.push_back(tableBlock(header, std::move(rows)));
    out.push_back(html("<p class=\"note\">The compressed model's accuracy is the integer-only reference's when quantized: what a board "
                       "runs. The interval is Wilson's at 95% on the test samples. Device rows: accuracy on the samples the device ran; "
                       "an emulator's counts are instructions, not cycles, and its milliseconds an estimate.</p>"));
}

void differences(const Report& r, std::vector<ReportBlock>& out) {
    out.push_back(heading(2, "Differences from the baseline"));
    const auto& base = r.models[*r.baseline];
    std::vector<Row> rows;
    std::string noise, real;
    for (const auto& c : r.comparisons) {
        const auto& m = r.models[c.row];
        const auto name = rowName(r, m);
        Row row{text(name), number(accuracyText(m.accuracy))};
        if (!c.difference) {
            row.push_back(text(c.problem));
            row.resize(row.size() + 4);
            rows.push_back(std::move(row));
            continue;
        }
        const auto& d = *c.difference;
        const std::string verdict = d.withinNoise() ? "within noise" : d.difference > 0 ? "better, beyond noise" : "worse, beyond noise";
        row.insert(row.end(), {number(fixed(d.difference * 100, 2) + " points"), number(fixed(d.ci95.lo * 100, 2) + " to " + fixed(d.ci95.hi * 100, 2)),
                               number(groupedNumber(c.firstOnly) + " / " + groupedNumber(c.secondOnly)),
                               number(d.pValue < 0.0001 ? "< 0.0001" : fixed(d.pValue, 4)), text(verdict)});
        rows.push_back(std::move(row));
        (d.withinNoise() ? noise : real) += (d.withinNoise() ? noise : real).empty() ? esc(name) : ", " + esc(name);
    }
    std::string words = "<p>Baseline: <b>" + esc(rowName(r, base)) + "</b>, test accuracy " + accuracyText(base.accuracy) + ". ";
    if (!noise.empty()) words += "Within noise of it (exact McNemar p &#8805; 0.05 on the same test samples): " + noise + ". ";
    if (!real.empty()) words += "Different beyond noise (p &lt; 0.05): " + real + ".";
    words += "</p>";
    out.push_back(html(words));
    out.push_back(tableBlock({"model", "test accuracy", "difference from the baseline", "95% interval (points)", "right only here / only in baseline",
                              "McNemar p", "verdict"},
                             std::move(rows)));
}

void pareto(const Report& r, std::vector<ReportBlock>& out) {
    if (r.pareto.empty()) return;
    out.push_back(heading(2, "Pareto fronts"));
    for (const auto& view : r.pareto) {
        ChartSpec chart;
        chart.title = view.title;
        chart.xLabel = view.costLabel;
        chart.yLabel = "test accuracy (fraction)";
        chart.logX = view.costLabel.rfind("bytes", 0) == 0;
        if (chart.logX) chart.xLabel += " (log scale)";
        std::map<std::string, std::size_t> seriesOf;
        std::vector<std::pair<double, double>> front;
        std::vector<Row> rows;
        for (std::size_t i = 0; i < view.rows.size(); ++i) {
            const auto& m = r.models[view.rows[i]];
            auto [it, added] = seriesOf.emplace(m.model, chart.series.size());
            if (added) chart.series.push_back({m.model == "student_scratch" ? "student from labels" : m.model == "student" ? "distilled student" : m.model, colourOf(m.model), {}, {}, false, false, {}});
            auto& s = chart.series[it->second];
            s.x.push_back(view.costs[i]);
            s.y.push_back(m.accuracy);
            s.labels.push_back(rowName(r, m) + ": " + accuracyText(m.accuracy) + " at " + groupedNumber(std::llround(view.costs[i])));
            if (!view.dominatedBy[i]) front.emplace_back(view.costs[i], m.accuracy);
            rows.push_back({text(rowName(r, m)), number(accuracyText(m.accuracy)), number(groupedNumber(std::llround(view.costs[i]))),
                            view.dominatedBy[i] ? text("dominated by " + rowName(r, r.models[view.rows[*view.dominatedBy[i]]]))
                                                : TableCell{Style::Bold, "on the front", {}}});
        }
        std::sort(front.begin(), front.end());
        chart.frontier = front;
        out.push_back(chartBlock(svgChart(chart)));
        out.push_back(tableBlock({"model", "test accuracy", view.costLabel, "front"}, std::move(rows)));
    }
}

void layers(const Report& r, std::vector<ReportBlock>& out) {
    if (r.layers.empty()) return;
    out.push_back(heading(2, "Per layer"));
    std::vector<Row> rows;
    for (const auto& l : r.layers) {
        rows.push_back({code(l.layer), text(r.runs[l.run].label), text(l.type), number(groupedNumber(l.params)), number(groupedNumber(l.macs)),
                        number(l.sparsity ? fixed(*l.sparsity * 100, 1) + "%" : kNone), number(l.clusters ? std::to_string(*l.clusters) : kNone),
                        number(l.bits ? std::to_string(*l.bits) : "32 (float)"), text(l.encoding.empty() ? "dense fp32" : l.encoding),
                        number(optionalNumber(l.bytes)),
                        number(l.deviceCount ? groupedNumber(*l.deviceCount) + " " + l.deviceUnit + " on " + l.deviceBoard : kNone)});
    }
    out.push_back(tableBlock({"layer", "run", "type", "parameters", "MACs / sample", "zeros", "clusters", "weight bits", "encoding", "bytes as deployed",
                              "time on the device / inference"},
                             std::move(rows)));
}

ReportBlock matrixTable(const std::vector<std::vector<std::int64_t>>& counts, bool difference) {
    std::vector<std::string> header{"true \\ predicted"};
    for (std::size_t c = 0; c < counts.size(); ++c) header.push_back(std::to_string(c));
    std::vector<Row> rows;
    for (std::size_t t = 0; t < counts.size(); ++t) {
        long long total = 0, peak = 1;
        for (auto v : counts[t]) {
            total += std::llabs(v);
            peak = std::max(peak, std::llabs(v));
        }
        Row row{{Style::RowHeader, std::to_string(t), {}}};
        for (std::size_t p = 0; p < counts[t].size(); ++p) {
            const auto v = counts[t][p];
            // Shade by the cell's share of its row (of the row's largest change for a difference).
            const double share = difference ? static_cast<double>(std::llabs(v)) / static_cast<double>(peak)
                                            : total > 0 ? static_cast<double>(v) / static_cast<double>(total) : 0;
            const int light = 255 - static_cast<int>(std::lround(150 * share));
            char colour[16];
            if (difference && v < 0) std::snprintf(colour, sizeof colour, "#ff%02x%02x", light, light);
            else if (difference) std::snprintf(colour, sizeof colour, "#%02x%02xff", light, light);
            else std::snprintf(colour, sizeof colour, "#%02x%02xff", light, light);
            row.push_back({Style::Number, (difference && v > 0 ? "+" : "") + std::to_string(v), colour});
        }
        rows.push_back(std::move(row));
    }
    return tableBlock(header, std::move(rows));
}

void perClass(const Report& r, std::vector<ReportBlock>& out) {
    if (r.classes.empty()) return;
    out.push_back(heading(2, "Per class"));
    const ClassView* base = r.classes.front().row == *r.baseline ? &r.classes.front() : nullptr;
    for (const auto& view : r.classes) {
        const auto& m = r.models[view.row];
        out.push_back(heading(3, rowName(r, m)));
        out.push_back(html("<p>Confusion matrix (test samples; rows are the true class).</p>"));
        out.push_back(matrixTable(view.counts, false));
        if (base && &view != base && base->counts.size() == view.counts.size() && r.runs[m.run].predictions && r.runs[r.models[base->row].run].predictions &&
            r.runs[m.run].predictions->index == r.runs[r.models[base->row].run].predictions->index) {
            auto diff = view.counts;
            for (std::size_t t = 0; t < diff.size(); ++t)
                for (std::size_t p = 0; p < diff.size(); ++p) diff[t][p] -= base->counts[t][p];
            out.push_back(html("<p>Difference from the baseline (this model's counts minus the baseline's; blue more, red fewer).</p>"));
            out.push_back(matrixTable(diff, true));
        }
        std::vector<Row> rows;
        for (std::size_t c = 0; c < view.figures.size(); ++c) {
            const auto& f = view.figures[c];
            rows.push_back({number(std::to_string(c)), number(accuracyText(f.precision)), number(accuracyText(f.recall)), number(accuracyText(f.f1)),
                            number(groupedNumber(f.support))});
        }
        out.push_back(tableBlock({"class", "precision", "recall", "F1", "test samples"}, std::move(rows)));
    }
}

std::string percentText(double share) { return fixed(100.0 * share, 2) + "%"; }

// Identity datasets: how each model verifies (a person's own class against every other), the figures a biometric
// user asks for first, and the curve they come from.
void verification(const Report& r, std::vector<ReportBlock>& out) {
    if (r.verification.empty()) return;
    out.push_back(heading(2, "Verification (identities)"));
    std::vector<Row> rows;
    ChartSpec chart{"False rejections against false acceptances (one-vs-rest, pooled)", "false accept rate (FAR, log scale)",
                    "false reject rate (FRR, fraction)", {}, true, std::pair{0.0, 1.0}, {}};
    for (const auto& v : r.verification) {
        const auto& m = r.models[v.row];
        const auto& c = v.curve;
        rows.push_back({text(rowName(r, m)), number(groupedNumber(c.genuine)), number(groupedNumber(c.impostor)), number(percentText(c.eer)),
                        number(fixed(c.eerThreshold, 4)), number(percentText(c.farAtFrr1)), number(percentText(c.frrAtFar01)),
                        number(percentText(v.meanClassEer) + " (" + std::to_string(v.classesScored) + ")"), text(v.scoredAs)});
        // At most about 400 points per curve, and none at FAR 0, which a log axis cannot show.
        ChartSeries s{rowName(r, m), colourOf(m.model), {}, {}, true, false, {}};
        const std::size_t step = std::max<std::size_t>(1, c.far.size() / 400);
        for (std::size_t i = 0; i < c.far.size(); i += step) {
            if (c.far[i] <= 0) continue;
            s.x.push_back(c.far[i]);
            s.y.push_back(c.frr[i]);
        }
        chart.series.push_back(std::move(s));
    }
    out.push_back(html("<p>Each test sample's score for its own class is a genuine attempt, its score for every other class an impostor "
        "attempt; a threshold accepts scores at or above it. EER: the equal error rate, where false accepts and false "
        "rejects are (nearest to) equal. FAR at FRR 1%: false accepts at the highest threshold that rejects at most 1% of "
        "genuine attempts; FRR at FAR 0.1%: false rejects at the lowest threshold that accepts at most 0.1% of impostors. "
        "With few test samples per person these rates move in large steps: a few hundred genuine attempts cannot measure "
        "a rate below about 1%.</p>"));
    out.push_back(tableBlock({"model", "genuine attempts", "impostor attempts", "EER", "EER threshold", "FAR at FRR 1%", "FRR at FAR 0.1%",
                              "mean per-class EER (classes)", "scores"},
                             std::move(rows)));
    out.push_back(chartBlock(svgChart(chart)));
}

void training(const Report& r, std::vector<ReportBlock>& out) {
    bool any = false;
    for (const auto& run : r.runs) any = any || !run.history.empty();
    if (!any) return;
    out.push_back(heading(2, "Training"));
    ChartSpec accuracy{"Validation accuracy per epoch", "epoch (every phase in order)", "validation accuracy (fraction)", {}, false, std::nullopt, {}};
    ChartSpec loss{"Training loss per epoch", "epoch (every phase in order)", "loss (mean over the epoch)", {}, false, std::nullopt, {}};
    ChartSpec sparsity{"Sparsity as run", "epoch (every phase in order)", "zero weights (fraction)", {}, false, std::pair{0.0, 1.0}, {}};
    for (std::size_t i = 0; i < r.runs.size(); ++i) {
        const auto& run = r.runs[i];
        std::map<std::string, std::size_t> seriesOf;
        int epoch = 0;
        for (const auto& h : run.history) {
            ++epoch;
            auto [it, added] = seriesOf.emplace(h.model, accuracy.series.size());
            if (added) {
                const ChartSeries s{(r.runs.size() > 1 ? run.label + ": " : std::string()) + h.model, colourOf(h.model), {}, {}, true, i % 2 == 1, {}};
                accuracy.series.push_back(s);
                loss.series.push_back(s);
                sparsity.series.push_back(s);
            }
            accuracy.series[it->second].x.push_back(epoch);
            accuracy.series[it->second].y.push_back(h.valAccuracy);
            loss.series[it->second].x.push_back(epoch);
            loss.series[it->second].y.push_back(h.loss);
            sparsity.series[it->second].x.push_back(epoch);
            sparsity.series[it->second].y.push_back(h.sparsity);
        }
    }
    // Only the phases that pruned belong on the sparsity chart.
    std::erase_if(sparsity.series, [](const ChartSeries& s) { return std::all_of(s.y.begin(), s.y.end(), [](double v) { return v == 0; }); });
    out.push_back(chartBlock(svgChart(accuracy)));
    out.push_back(chartBlock(svgChart(loss)));
    if (!sparsity.series.empty()) out.push_back(chartBlock(svgChart(sparsity)));
}

}  // namespace

std::string tableHtml(const ReportTable& table) {
    std::string html = "<div class=\"scroll\"><table>";
    if (!table.caption.empty()) html += "<caption>" + esc(table.caption) + "</caption>";
    html += "<thead><tr>";
    for (const auto& name : table.header) html += "<th>" + esc(name) + "</th>";
    html += "</tr></thead><tbody>";
    for (const auto& row : table.rows) {
        html += "<tr>";
        for (const auto& cell : row) {
            const bool header = cell.style == Style::RowHeader;
            html += header ? "<th" : "<td";
            if (cell.style == Style::Number) html += " class=\"n\"";
            if (!cell.background.empty()) html += " style=\"background:" + cell.background + "\"";
            html += ">";
            const auto shown = esc(cell.text);
            html += cell.style == Style::Code ? "<code>" + shown + "</code>" : cell.style == Style::Bold ? "<b>" + shown + "</b>" : shown;
            html += header ? "</th>" : "</td>";
        }
        html += "</tr>";
    }
    return html + "</tbody></table></div>";
}

std::string accuracyText(double accuracy) { return fixed(accuracy, 4); }

std::string groupedNumber(std::int64_t value) {
    std::string digits = std::to_string(value < 0 ? -value : value), out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return value < 0 ? "-" + out : out;
}

std::vector<ReportBlock> reportBlocks(const Report& report) {
    std::vector<ReportBlock> out;
    out.push_back(heading(1, "TinyForge comparison report"));
    out.push_back(html("<p class=\"meta\">" + std::to_string(report.runs.size()) + (report.runs.size() == 1 ? " run" : " runs") + ", written " +
                       esc(report.generated) + " by TinyForge Studio " + esc(report.version) + ".</p>"));
    whatWasCompared(report, out);
    modelsTable(report, out);
    differences(report, out);
    pareto(report, out);
    layers(report, out);
    perClass(report, out);
    verification(report, out);
    training(report, out);
    recipes(report, out);
    return out;
}

}  // namespace tinyforge::report
