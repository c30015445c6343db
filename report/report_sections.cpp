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

std::string td(const std::string& text, bool number = false) { return std::string(number ? "<td class=\"n\">" : "<td>") + text + "</td>"; }

std::string headerRow(const std::vector<std::string>& names) {
    std::string row = "<tr>";
    for (const auto& n : names) row += "<th>" + esc(n) + "</th>";
    return row + "</tr>";
}

std::string table(const std::vector<std::string>& header, const std::string& rows, const std::string& caption = "") {
    return "<div class=\"scroll\"><table>" + (caption.empty() ? std::string() : "<caption>" + esc(caption) + "</caption>") + "<thead>" +
           headerRow(header) + "</thead><tbody>" + rows + "</tbody></table></div>";
}

std::string optionalNumber(const std::optional<std::int64_t>& v) { return v ? groupedNumber(*v) : "&#8211;"; }

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
    return "&#8211;";
}

void whatWasCompared(const Report& r, std::vector<ReportBlock>& out) {
    out.push_back({ReportBlock::Kind::Heading, 2, "What was compared"});
    std::string data, runs;
    std::set<std::string> seen;
    for (const auto& run : r.runs) {
        const auto& d = run.summary.dataset;
        const auto key = d.name + "|" + d.source + "|" + std::to_string(d.train) + "|" + std::to_string(d.test);
        if (seen.insert(key).second)
            data += "<tr>" + td(esc(d.name)) + td(esc(d.format)) + td(esc(d.source)) + td(groupedNumber(d.train), true) + td(groupedNumber(d.val), true) +
                    td(groupedNumber(d.test), true) + td(groupedNumber(d.classes), true) + "</tr>";
        runs += "<tr>" + td(esc(run.label)) + td(esc(run.summary.recipe)) + td(std::to_string(run.summary.seed), true) +
                td(std::to_string(run.summary.threads), true) + td("<code>" + esc(run.dir.string()) + "</code>") + "</tr>";
    }
    out.push_back({ReportBlock::Kind::Html, 0,
                   table({"dataset", "format", "source", "train", "validation", "test", "classes"}, data, "Dataset and splits (samples)") +
                       table({"run", "recipe", "seed", "threads", "folder"}, runs, "Runs")});
    if (r.runs.size() > 1) {
        std::vector<std::string> header{"setting"};
        for (const auto& run : r.runs) header.push_back(run.label);
        std::string rows;
        for (const auto& s : r.settings) {
            rows += "<tr>" + td("<code>" + esc(s.key) + "</code>");
            for (const auto& v : s.values) rows += td(v.empty() ? "(default)" : esc(v));
            rows += "</tr>";
        }
        out.push_back({ReportBlock::Kind::Html, 0,
                       r.settings.empty() ? std::string("<p>Every run used the same recipe settings.</p>")
                                          : table(header, rows, "Recipe settings that differ between runs (the rest are the same)")});
    }
    out.push_back({ReportBlock::Kind::Html, 0, "<p class=\"note\">Each run's whole recipe is at the end of the report.</p>"});
}

void recipes(const Report& r, std::vector<ReportBlock>& out) {
    out.push_back({ReportBlock::Kind::Heading, 2, "Recipes as run"});
    for (const auto& run : r.runs)
        out.push_back({ReportBlock::Kind::Html, 0, "<details><summary>" + esc(run.label) + "</summary><pre>" + esc(run.recipe.dump(2)) + "</pre></details>"});
}

void modelsTable(const Report& r, std::vector<ReportBlock>& out) {
    out.push_back({ReportBlock::Kind::Heading, 2, "Models"});
    // The device columns only when a run was profiled on one.
    const bool devices = std::any_of(r.models.begin(), r.models.end(), [](const ModelRow& m) { return m.device != nullptr; });
    std::string rows;
    for (const auto& m : r.models) {
        rows += "<tr>" + td(esc(r.runs[m.run].label)) + td(esc(m.name)) + td(esc(m.arch)) + td(accuracyText(m.accuracy), true) +
                td(accuracyText(m.ci95.lo) + "&#8211;" + accuracyText(m.ci95.hi), true) + td(groupedNumber(m.samples), true) +
                td(optionalNumber(m.params), true) + td(optionalNumber(m.macs), true) + td(optionalNumber(m.bytesFp32), true) +
                td(optionalNumber(m.bytesDeployed), true) + td(m.ratioToTeacher ? fixed(*m.ratioToTeacher, 1) + "x" : "&#8211;", true);
        if (const auto* d = m.device) {
            rows += td(groupedNumber(d->flash_bytes), true) + td(groupedNumber(d->ram_bytes), true) + td(latencyText(*d)) +
                    td(d->energy_uj ? fixed(*d->energy_uj, 2) + " &#181;J" : "&#8211;", true) +
                    td(groupedNumber(d->identical) + " / " + groupedNumber(d->samples), true);
        } else if (devices) {
            rows += td("") + td("") + td("") + td("") + td("");
        }
        rows += "</tr>";
    }
    std::vector<std::string> header{"run", "model", "architecture", "test accuracy", "95% interval", "test samples", "parameters", "MACs / sample",
                                    "fp32 bytes", "bytes as deployed", "smaller than teacher"};
    if (devices) header.insert(header.end(), {"flash bytes", "RAM bytes", "latency / inference", "energy / inference", "outputs identical to the reference"});
    out.push_back({ReportBlock::Kind::Html, 0,
                   table(header, rows) +
                       "<p class=\"note\">The compressed model's accuracy is the integer-only reference's when quantized: what a board "
                       "runs. The interval is Wilson's at 95% on the test samples. Device rows: accuracy on the samples the device ran; "
                       "an emulator's counts are instructions, not cycles, and its milliseconds an estimate.</p>"});
}

void differences(const Report& r, std::vector<ReportBlock>& out) {
    out.push_back({ReportBlock::Kind::Heading, 2, "Differences from the baseline"});
    const auto& base = r.models[*r.baseline];
    std::string rows, noise, real;
    for (const auto& c : r.comparisons) {
        const auto& m = r.models[c.row];
        const auto name = rowName(r, m);
        rows += "<tr>" + td(esc(name)) + td(accuracyText(m.accuracy), true);
        if (!c.difference) {
            rows += td(esc(c.problem)) + td("") + td("") + td("") + td("") + "</tr>";
            continue;
        }
        const auto& d = *c.difference;
        const std::string verdict = d.withinNoise() ? "within noise" : d.difference > 0 ? "better, beyond noise" : "worse, beyond noise";
        rows += td(fixed(d.difference * 100, 2) + " points", true) + td(fixed(d.ci95.lo * 100, 2) + " to " + fixed(d.ci95.hi * 100, 2), true) +
                td(groupedNumber(c.firstOnly) + " / " + groupedNumber(c.secondOnly), true) + td(d.pValue < 0.0001 ? "&lt; 0.0001" : fixed(d.pValue, 4), true) +
                td(verdict) + "</tr>";
        (d.withinNoise() ? noise : real) += (d.withinNoise() ? noise : real).empty() ? esc(name) : ", " + esc(name);
    }
    std::string words = "<p>Baseline: <b>" + esc(rowName(r, base)) + "</b>, test accuracy " + accuracyText(base.accuracy) + ". ";
    if (!noise.empty()) words += "Within noise of it (exact McNemar p &#8805; 0.05 on the same test samples): " + noise + ". ";
    if (!real.empty()) words += "Different beyond noise (p &lt; 0.05): " + real + ".";
    words += "</p>";
    out.push_back({ReportBlock::Kind::Html, 0,
                   words + table({"model", "test accuracy", "difference from the baseline", "95% interval (points)", "right only here / only in baseline",
                                  "McNemar p", "verdict"},
                                 rows)});
}

void pareto(const Report& r, std::vector<ReportBlock>& out) {
    if (r.pareto.empty()) return;
    out.push_back({ReportBlock::Kind::Heading, 2, "Pareto fronts"});
    for (const auto& view : r.pareto) {
        ChartSpec chart;
        chart.title = view.title;
        chart.xLabel = view.costLabel;
        chart.yLabel = "test accuracy (fraction)";
        chart.logX = view.costLabel.rfind("bytes", 0) == 0;
        if (chart.logX) chart.xLabel += " (log scale)";
        std::map<std::string, std::size_t> seriesOf;
        std::vector<std::pair<double, double>> front;
        std::string rows;
        for (std::size_t i = 0; i < view.rows.size(); ++i) {
            const auto& m = r.models[view.rows[i]];
            auto [it, added] = seriesOf.emplace(m.model, chart.series.size());
            if (added) chart.series.push_back({m.model == "student_scratch" ? "student from labels" : m.model == "student" ? "distilled student" : m.model, colourOf(m.model), {}, {}, false, false, {}});
            auto& s = chart.series[it->second];
            s.x.push_back(view.costs[i]);
            s.y.push_back(m.accuracy);
            s.labels.push_back(rowName(r, m) + ": " + accuracyText(m.accuracy) + " at " + groupedNumber(std::llround(view.costs[i])));
            if (!view.dominatedBy[i]) front.emplace_back(view.costs[i], m.accuracy);
            rows += "<tr>" + td(esc(rowName(r, m))) + td(accuracyText(m.accuracy), true) + td(groupedNumber(std::llround(view.costs[i])), true) +
                    td(view.dominatedBy[i] ? "dominated by " + esc(rowName(r, r.models[view.rows[*view.dominatedBy[i]]])) : std::string("<b>on the front</b>")) + "</tr>";
        }
        std::sort(front.begin(), front.end());
        chart.frontier = front;
        out.push_back({ReportBlock::Kind::Chart, 0, svgChart(chart)});
        out.push_back({ReportBlock::Kind::Html, 0, table({"model", "test accuracy", view.costLabel, "front"}, rows)});
    }
}

void layers(const Report& r, std::vector<ReportBlock>& out) {
    if (r.layers.empty()) return;
    out.push_back({ReportBlock::Kind::Heading, 2, "Per layer"});
    std::string rows;
    for (const auto& l : r.layers) {
        rows += "<tr>" + td("<code>" + esc(l.layer) + "</code>") + td(esc(r.runs[l.run].label)) + td(esc(l.type)) + td(groupedNumber(l.params), true) +
                td(groupedNumber(l.macs), true) + td(l.sparsity ? fixed(*l.sparsity * 100, 1) + "%" : "&#8211;", true) +
                td(l.clusters ? std::to_string(*l.clusters) : "&#8211;", true) + td(l.bits ? std::to_string(*l.bits) : "32 (float)", true) +
                td(esc(l.encoding.empty() ? "dense fp32" : l.encoding)) + td(optionalNumber(l.bytes), true) +
                td(l.deviceCount ? groupedNumber(*l.deviceCount) + " " + esc(l.deviceUnit) + " on " + esc(l.deviceBoard) : "&#8211;", true) + "</tr>";
    }
    out.push_back({ReportBlock::Kind::Html, 0,
                   table({"layer", "run", "type", "parameters", "MACs / sample", "zeros", "clusters", "weight bits", "encoding", "bytes as deployed",
                          "time on the device / inference"},
                         rows)});
}

std::string matrixTable(const std::vector<std::vector<std::int64_t>>& counts, bool difference) {
    std::vector<std::string> header{"true \\ predicted"};
    for (std::size_t c = 0; c < counts.size(); ++c) header.push_back(std::to_string(c));
    std::string rows;
    for (std::size_t t = 0; t < counts.size(); ++t) {
        long long total = 0, peak = 1;
        for (auto v : counts[t]) {
            total += std::llabs(v);
            peak = std::max(peak, std::llabs(v));
        }
        rows += "<tr><th>" + std::to_string(t) + "</th>";
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
            rows += std::string("<td class=\"n\" style=\"background:") + colour + "\">" + (difference && v > 0 ? "+" : "") + std::to_string(v) + "</td>";
        }
        rows += "</tr>";
    }
    return table(header, rows);
}

void perClass(const Report& r, std::vector<ReportBlock>& out) {
    if (r.classes.empty()) return;
    out.push_back({ReportBlock::Kind::Heading, 2, "Per class"});
    const ClassView* base = r.classes.front().row == *r.baseline ? &r.classes.front() : nullptr;
    for (const auto& view : r.classes) {
        const auto& m = r.models[view.row];
        out.push_back({ReportBlock::Kind::Heading, 3, rowName(r, m)});
        std::string html = "<p>Confusion matrix (test samples; rows are the true class).</p>" + matrixTable(view.counts, false);
        if (base && &view != base && base->counts.size() == view.counts.size() && r.runs[m.run].predictions && r.runs[r.models[base->row].run].predictions &&
            r.runs[m.run].predictions->index == r.runs[r.models[base->row].run].predictions->index) {
            auto diff = view.counts;
            for (std::size_t t = 0; t < diff.size(); ++t)
                for (std::size_t p = 0; p < diff.size(); ++p) diff[t][p] -= base->counts[t][p];
            html += "<p>Difference from the baseline (this model's counts minus the baseline's; blue more, red fewer).</p>" + matrixTable(diff, true);
        }
        std::string rows;
        for (std::size_t c = 0; c < view.figures.size(); ++c) {
            const auto& f = view.figures[c];
            rows += "<tr>" + td(std::to_string(c), true) + td(accuracyText(f.precision), true) + td(accuracyText(f.recall), true) +
                    td(accuracyText(f.f1), true) + td(groupedNumber(f.support), true) + "</tr>";
        }
        html += table({"class", "precision", "recall", "F1", "test samples"}, rows);
        out.push_back({ReportBlock::Kind::Html, 0, html});
    }
}

std::string percentText(double share) { return fixed(100.0 * share, 2) + "%"; }

// Identity datasets: how each model verifies (a person's own class against every other), the figures a biometric
// user asks for first, and the curve they come from.
void verification(const Report& r, std::vector<ReportBlock>& out) {
    if (r.verification.empty()) return;
    out.push_back({ReportBlock::Kind::Heading, 2, "Verification (identities)"});
    std::string rows;
    ChartSpec chart{"False rejections against false acceptances (one-vs-rest, pooled)", "false accept rate (FAR, log scale)",
                    "false reject rate (FRR, fraction)", {}, true, std::pair{0.0, 1.0}, {}};
    for (const auto& v : r.verification) {
        const auto& m = r.models[v.row];
        const auto& c = v.curve;
        rows += "<tr>" + td(esc(rowName(r, m))) + td(groupedNumber(c.genuine), true) + td(groupedNumber(c.impostor), true) + td(percentText(c.eer), true) +
                td(fixed(c.eerThreshold, 4), true) + td(percentText(c.farAtFrr1), true) + td(percentText(c.frrAtFar01), true) +
                td(percentText(v.meanClassEer) + " (" + std::to_string(v.classesScored) + ")", true) + td(esc(v.scoredAs)) + "</tr>";
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
    std::string html =
        "<p>Each test sample's score for its own class is a genuine attempt, its score for every other class an impostor "
        "attempt; a threshold accepts scores at or above it. EER: the equal error rate, where false accepts and false "
        "rejects are (nearest to) equal. FAR at FRR 1%: false accepts at the highest threshold that rejects at most 1% of "
        "genuine attempts; FRR at FAR 0.1%: false rejects at the lowest threshold that accepts at most 0.1% of impostors. "
        "With few test samples per person these rates move in large steps: a few hundred genuine attempts cannot measure "
        "a rate below about 1%.</p>";
    html += table({"model", "genuine attempts", "impostor attempts", "EER", "EER threshold", "FAR at FRR 1%", "FRR at FAR 0.1%",
                   "mean per-class EER (classes)", "scores"},
                  rows);
    out.push_back({ReportBlock::Kind::Html, 0, html});
    out.push_back({ReportBlock::Kind::Chart, 0, svgChart(chart)});
}

void training(const Report& r, std::vector<ReportBlock>& out) {
    bool any = false;
    for (const auto& run : r.runs) any = any || !run.history.empty();
    if (!any) return;
    out.push_back({ReportBlock::Kind::Heading, 2, "Training"});
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
    out.push_back({ReportBlock::Kind::Chart, 0, svgChart(accuracy)});
    out.push_back({ReportBlock::Kind::Chart, 0, svgChart(loss)});
    if (!sparsity.series.empty()) out.push_back({ReportBlock::Kind::Chart, 0, svgChart(sparsity)});
}

}  // namespace

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
    out.push_back({ReportBlock::Kind::Heading, 1, "TinyForge comparison report"});
    out.push_back({ReportBlock::Kind::Html, 0,
                   "<p class=\"meta\">" + std::to_string(report.runs.size()) + (report.runs.size() == 1 ? " run" : " runs") + ", written " +
                       esc(report.generated) + " by TinyForge Studio " + esc(report.version) + ".</p>"});
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
