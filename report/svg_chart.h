#pragma once
// Charts as self-contained SVG text: a title, axes with their units, ticks at round values, a legend in its own rows
// under the plot (never over the data), and a <title> on every point for a hover read-out. The HTML report inlines
// them; the PDF writer draws the shapes as vectors and sets the labels as text.

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tinyforge::report {

struct ChartSeries {
    std::string name;
    int colour = 0;                   ///< index into the report's palette, so a model keeps its colour on every chart
    std::vector<double> x, y;
    bool line = true;                 ///< a line through the points, else points alone
    bool dashed = false;
    std::vector<std::string> labels;  ///< per point, shown on hover; empty for none
};

struct ChartSpec {
    std::string title, xLabel, yLabel;  ///< axis labels carry their unit: "bytes as deployed (log scale)"
    std::vector<ChartSeries> series;
    bool logX = false;
    std::optional<std::pair<double, double>> yRange;  ///< else from the data
    std::vector<std::pair<double, double>> frontier;  ///< drawn as a step line through these (x, y), in x order
};

/// The palette: distinct on white and in grey print.
const std::vector<std::string>& chartPalette();

/// `spec` as an <svg> element `width` wide (it scales to its container); throws nothing: empty series give an empty
/// plot with its axes.
std::string svgChart(const ChartSpec& spec, int width = 640, int plotHeight = 280);

/// Text with &, <, >, " escaped for XML.
std::string xmlEscape(const std::string& text);

/// Round tick values covering [lo, hi]: about `target` of them at 1, 2 or 5 times a power of ten.
std::vector<double> niceTicks(double lo, double hi, int target = 5);

}  // namespace tinyforge::report
