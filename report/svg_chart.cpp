#include "report/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace tinyforge::report {

namespace {

constexpr int kLeft = 70, kRight = 20, kTop = 34, kAxisBelow = 46, kLegendRow = 18;

std::string number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    return buf;
}

// A tick label: short, with k / M for large values (bytes, counts).
std::string tickText(double v) {
    char buf[32];
    const double a = std::fabs(v);
    if (a >= 1e6) std::snprintf(buf, sizeof buf, "%gM", v / 1e6);
    else if (a >= 1e4) std::snprintf(buf, sizeof buf, "%gk", v / 1e3);
    else std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

struct Axis {
    double lo = 0, hi = 1;
    bool log = false;
    double map(double v, double from, double to) const {
        const double a = log ? std::log10(std::max(v, 1e-300)) : v, l = log ? std::log10(lo) : lo, h = log ? std::log10(hi) : hi;
        return from + (to - from) * (h > l ? (a - l) / (h - l) : 0.5);
    }
};

Axis axisOver(const std::vector<double>& values, bool log, std::optional<std::pair<double, double>> fixed) {
    Axis axis;
    axis.log = log;
    if (fixed) {
        axis.lo = fixed->first;
        axis.hi = fixed->second;
        return axis;
    }
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (double v : values) {
        if (!std::isfinite(v) || (log && v <= 0)) continue;
        lo = std::min(lo, v);
        hi = std::max(hi, v);
    }
    if (!std::isfinite(lo)) return {log ? 1.0 : 0.0, log ? 10.0 : 1.0, log};
    if (log) {
        axis.lo = std::pow(10, std::floor(std::log10(lo)));
        axis.hi = std::pow(10, std::ceil(std::log10(hi)));
        if (axis.hi <= axis.lo) axis.hi = axis.lo * 10;
    } else {
        const double pad = hi > lo ? (hi - lo) * 0.05 : std::max(std::fabs(hi) * 0.05, 0.01);
        axis.lo = lo - pad;
        axis.hi = hi + pad;
    }
    return axis;
}

std::vector<double> ticksOf(const Axis& axis) {
    if (!axis.log) return niceTicks(axis.lo, axis.hi);
    std::vector<double> out;
    const int decades = static_cast<int>(std::lround(std::log10(axis.hi / axis.lo)));
    for (double p = axis.lo; p <= axis.hi * 1.0001; p *= 10) {
        out.push_back(p);
        if (decades <= 2) {
            for (double m : {2.0, 5.0}) if (p * m < axis.hi) out.push_back(p * m);
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

const std::vector<std::string>& chartPalette() {
    static const std::vector<std::string> palette{"#1565c0", "#ef6c00", "#2e7d32", "#6a1b9a", "#c62828", "#00838f", "#5d4037", "#ad1457"};
    return palette;
}

std::string xmlEscape(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            default: out += c;
        }
    }
    return out;
}

std::vector<double> niceTicks(double lo, double hi, int target) {
    if (!(hi > lo)) return {lo};
    const double raw = (hi - lo) / std::max(target, 1);
    const double power = std::pow(10, std::floor(std::log10(raw)));
    double step = power;
    for (double m : {1.0, 2.0, 5.0, 10.0}) {
        step = m * power;
        if (step >= raw) break;
    }
    std::vector<double> out;
    for (double v = std::ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push_back(std::fabs(v) < step * 1e-9 ? 0.0 : v);
    return out;
}

std::string svgChart(const ChartSpec& spec, int width, int plotHeight) {
    const auto& palette = chartPalette();
    std::vector<double> xs, ys;
    for (const auto& s : spec.series) {
        xs.insert(xs.end(), s.x.begin(), s.x.end());
        ys.insert(ys.end(), s.y.begin(), s.y.end());
    }
    const Axis xAxis = axisOver(xs, spec.logX, std::nullopt), yAxis = axisOver(ys, false, spec.yRange);
    // The legend wraps into rows of about 200 px per entry, below the x-axis label.
    const int perRow = std::max(1, (width - kLeft) / 200);
    const int legendRows = static_cast<int>((spec.series.size() + static_cast<std::size_t>(perRow) - 1) / static_cast<std::size_t>(perRow));
    const int x0 = kLeft, x1 = width - kRight, y0 = kTop, y1 = kTop + plotHeight;
    const int height = y1 + kAxisBelow + legendRows * kLegendRow + 6;
    const auto px = [&](double v) { return xAxis.map(v, x0, x1); };
    const auto py = [&](double v) { return yAxis.map(v, y1, y0); };

    std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + std::to_string(width) + " " + std::to_string(height) +
                      "\" width=\"" + std::to_string(width) + "\" height=\"" + std::to_string(height) +
                      "\" role=\"img\" font-family=\"sans-serif\" font-size=\"12\">";
    svg += "<title>" + xmlEscape(spec.title) + "</title>";
    svg += "<rect x=\"0\" y=\"0\" width=\"" + std::to_string(width) + "\" height=\"" + std::to_string(height) + "\" fill=\"#ffffff\"/>";
    svg += "<text x=\"" + std::to_string(width / 2) + "\" y=\"20\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">" + xmlEscape(spec.title) + "</text>";
    // Grid and ticks.
    for (double t : ticksOf(xAxis)) {
        const auto x = number(px(t));
        svg += "<line x1=\"" + x + "\" y1=\"" + std::to_string(y0) + "\" x2=\"" + x + "\" y2=\"" + std::to_string(y1) + "\" stroke=\"#e0e0e0\"/>";
        svg += "<text x=\"" + x + "\" y=\"" + std::to_string(y1 + 16) + "\" text-anchor=\"middle\">" + tickText(t) + "</text>";
    }
    for (double t : ticksOf(yAxis)) {
        const auto y = number(py(t));
        svg += "<line x1=\"" + std::to_string(x0) + "\" y1=\"" + y + "\" x2=\"" + std::to_string(x1) + "\" y2=\"" + y + "\" stroke=\"#e0e0e0\"/>";
        svg += "<text x=\"" + std::to_string(x0 - 6) + "\" y=\"" + y + "\" text-anchor=\"end\" dominant-baseline=\"middle\">" + tickText(t) + "</text>";
    }
    svg += "<rect x=\"" + std::to_string(x0) + "\" y=\"" + std::to_string(y0) + "\" width=\"" + std::to_string(x1 - x0) + "\" height=\"" +
           std::to_string(y1 - y0) + "\" fill=\"none\" stroke=\"#616161\"/>";
    svg += "<text x=\"" + std::to_string((x0 + x1) / 2) + "\" y=\"" + std::to_string(y1 + 36) + "\" text-anchor=\"middle\">" + xmlEscape(spec.xLabel) + "</text>";
    svg += "<text transform=\"translate(16 " + std::to_string((y0 + y1) / 2) + ") rotate(-90)\" text-anchor=\"middle\">" + xmlEscape(spec.yLabel) + "</text>";

    if (spec.frontier.size() > 1) {
        std::string points;
        for (std::size_t i = 0; i < spec.frontier.size(); ++i) {
            if (i > 0) points += number(px(spec.frontier[i].first)) + "," + number(py(spec.frontier[i - 1].second)) + " ";
            points += number(px(spec.frontier[i].first)) + "," + number(py(spec.frontier[i].second)) + " ";
        }
        svg += "<polyline points=\"" + points + "\" fill=\"none\" stroke=\"#9e9e9e\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>";
    }
    for (const auto& s : spec.series) {
        const auto& colour = palette[static_cast<std::size_t>(s.colour) % palette.size()];
        const std::size_t n = std::min(s.x.size(), s.y.size());
        if (s.line && n > 1) {
            std::string points;
            for (std::size_t i = 0; i < n; ++i) points += number(px(s.x[i])) + "," + number(py(s.y[i])) + " ";
            svg += "<polyline points=\"" + points + "\" fill=\"none\" stroke=\"" + colour + "\" stroke-width=\"1.8\"" +
                   (s.dashed ? " stroke-dasharray=\"5 3\"" : "") + "/>";
        }
        if (!s.line || n == 1) {
            for (std::size_t i = 0; i < n; ++i) {
                svg += "<circle cx=\"" + number(px(s.x[i])) + "\" cy=\"" + number(py(s.y[i])) + "\" r=\"4.5\" fill=\"" + colour + "\">";
                if (i < s.labels.size()) svg += "<title>" + xmlEscape(s.labels[i]) + "</title>";
                svg += "</circle>";
            }
        }
    }
    for (std::size_t i = 0; i < spec.series.size(); ++i) {
        const auto& s = spec.series[i];
        const int row = static_cast<int>(i) / perRow, col = static_cast<int>(i) % perRow;
        const int lx = x0 + col * 200, ly = y1 + kAxisBelow + row * kLegendRow + 6;
        const auto& colour = palette[static_cast<std::size_t>(s.colour) % palette.size()];
        if (s.line) svg += "<line x1=\"" + std::to_string(lx) + "\" y1=\"" + std::to_string(ly) + "\" x2=\"" + std::to_string(lx + 18) + "\" y2=\"" +
                           std::to_string(ly) + "\" stroke=\"" + colour + "\" stroke-width=\"2\"" + (s.dashed ? " stroke-dasharray=\"5 3\"" : "") + "/>";
        else svg += "<circle cx=\"" + std::to_string(lx + 9) + "\" cy=\"" + std::to_string(ly) + "\" r=\"4.5\" fill=\"" + colour + "\"/>";
        svg += "<text x=\"" + std::to_string(lx + 24) + "\" y=\"" + std::to_string(ly) + "\" dominant-baseline=\"middle\">" + xmlEscape(s.name) + "</text>";
    }
    return svg + "</svg>";
}

}  // namespace tinyforge::report
