// The chart every page draws with: legend under the data, series by name, phases shaded along the x axis, a log
// scale, a hover read-out of the nearest point, zoom that stops the chart following the data until reset, and
// exports that other programs open (the PNG decoded, the SVG parsed, the PDF read by poppler's pdfinfo).
#include <catch2/catch.hpp>

#include <QFile>
#include <QImage>
#include <QSvgRenderer>
#include <QTest>

#include <cmath>
#include <regex>

#include "tests/support/fixtures.h"
#include "tests/support/process.h"
#include "tests/ui/ui_support.h"
#include "ui/chart_view.h"

using tinyforge::ui::ChartView;
namespace fx = tinyforge::test;

namespace {

// Two phases on one axis: a loss that falls by three decades over steps 1..100, then a second model's from 101..150.
void fillTwoPhases(ChartView& chart) {
    chart.beginPhase("teacher", 0);
    for (int step = 1; step <= 100; ++step) chart.series("teacher", QPen(Qt::gray))->addData(step, std::pow(10.0, -3.0 * step / 100.0));
    chart.beginPhase("prune", 100);
    for (int step = 101; step <= 150; ++step) chart.series("compressed", QPen(Qt::red))->addData(step, 0.5);
    chart.extendPhases(150);
}

void show(ChartView& chart) {
    chart.resize(640, 400);
    chart.show();
    REQUIRE(QTest::qWaitForWindowExposed(&chart));
    chart.refresh();
    chart.replot(QCustomPlot::rpImmediateRefresh);  // pixel positions exist once the chart has been laid out
}

}  // namespace

TEST_CASE("chart view: legend under the data, phases in order, series shown on demand", "[charts]") {
    ChartView chart("Loss per step", "global step", "loss");
    fillTwoPhases(chart);
    show(chart);
    CHECK(chart.phaseLabels() == QStringList{"teacher", "prune"});
    // The x axis spans every phase, from the first one's start, with the last point inside the frame.
    CHECK(chart.xAxis->range().lower == 0);
    CHECK(chart.xAxis->range().upper > 150);
    // The legend is not inside the axis rect: its whole box lies below the data's.
    REQUIRE(chart.legend->visible());
    CHECK(chart.legend->outerRect().top() >= chart.axisRect()->outerRect().bottom());
    CHECK(chart.legend->itemCount() == 2);
    CHECK(chart.series("teacher", QPen()) == chart.findSeries("teacher"));  // found, not created twice
    CHECK(chart.pointCount() == 150);

    chart.setSeriesShown("compressed", false);
    CHECK_FALSE(chart.findSeries("compressed")->visible());
    CHECK(chart.legend->itemCount() == 1);
    chart.setSeriesShown("compressed", true);
    CHECK(chart.legend->itemCount() == 2);
    // A series kept out of the legend stays out when shown again.
    chart.series("teacher train", QPen(Qt::gray, 1, Qt::DashLine), false)->addData(50, 0.1);
    chart.setSeriesShown("teacher train", false);
    chart.setSeriesShown("teacher train", true);
    CHECK(chart.legend->itemCount() == 2);

    // Hidden, the legend gives its row back to the data.
    const int withLegend = chart.axisRect()->outerRect().height();
    chart.setLegendShown(false);
    chart.replot(QCustomPlot::rpImmediateRefresh);
    CHECK(chart.axisRect()->outerRect().height() > withLegend);

    chart.clearAll();
    CHECK(chart.pointCount() == 0);
    CHECK(chart.phaseLabels().isEmpty());
}

TEST_CASE("chart view: log scale, fixed range, zoom that holds until reset", "[charts]") {
    ChartView chart("Loss per step", "global step", "loss");
    fillTwoPhases(chart);
    show(chart);
    chart.setLogScale(true);
    chart.replot(QCustomPlot::rpImmediateRefresh);
    CHECK(chart.yAxis->scaleType() == QCPAxis::stLogarithmic);
    // The whole data is in view: from the smallest loss (1e-3) to the largest (about 0.93).
    CHECK(chart.yAxis->range().lower <= 1.001e-3);
    CHECK(chart.yAxis->range().upper >= 0.93);
    chart.setLogScale(false);
    CHECK(chart.yAxis->scaleType() == QCPAxis::stLinear);

    // A zoom by the user is kept while data arrives; "whole run" fits everything again.
    chart.xAxis->setRange(20, 40);
    CHECK(chart.userView());
    chart.series("compressed", QPen())->addData(400, 0.5);
    chart.refresh();
    CHECK(chart.xAxis->range().lower == Approx(20));
    CHECK(chart.xAxis->range().upper == Approx(40));
    chart.resetView();
    CHECK_FALSE(chart.userView());
    CHECK(chart.xAxis->range().upper >= 400);

    ChartView accuracy("Accuracy", "global step", "accuracy");
    accuracy.setFixedYRange(0, 1);
    accuracy.series("student", QPen())->addData(1, 0.4);
    accuracy.series("student", QPen())->addData(2, 0.6);
    accuracy.refresh();
    // 0 to 1 with a little room, so a curve at 100% is not hidden in the frame.
    CHECK(accuracy.yAxis->range().lower <= 0);
    CHECK(accuracy.yAxis->range().lower > -0.05);
    CHECK(accuracy.yAxis->range().upper >= 1);
    CHECK(accuracy.yAxis->range().upper < 1.05);
}

TEST_CASE("chart view: the hover read-out names the nearest point's series, value, step and phase", "[charts]") {
    ChartView chart("Loss per step", "global step", "loss");
    fillTwoPhases(chart);
    show(chart);
    const QPointF onPoint(chart.xAxis->coordToPixel(120), chart.yAxis->coordToPixel(0.5));
    CHECK(chart.readoutAt(onPoint + QPointF(0, -5)).toStdString() == "compressed: 0.5 (global step 120, prune)");
    const double teacherAt10 = std::pow(10.0, -0.3);
    const QString teacher = chart.readoutAt(QPointF(chart.xAxis->coordToPixel(10), chart.yAxis->coordToPixel(teacherAt10)));
    INFO(teacher.toStdString());
    CHECK(teacher.startsWith(QStringLiteral("teacher: %1 (global step 10").arg(QString::number(teacherAt10, 'g', 5))));
    CHECK(teacher.endsWith(", teacher)"));
    // Far from every point: nothing to read.
    CHECK(chart.readoutAt(QPointF(chart.xAxis->coordToPixel(50), chart.yAxis->coordToPixel(0.9))).isEmpty());
    // A hidden series is not read out.
    chart.setSeriesShown("compressed", false);
    chart.replot(QCustomPlot::rpImmediateRefresh);
    CHECK(chart.readoutAt(QPointF(chart.xAxis->coordToPixel(120), chart.yAxis->coordToPixel(0.5))).isEmpty());
}

TEST_CASE("chart view: exports PNG, SVG and PDF that open, and names what it cannot write", "[charts]") {
    fx::TempDir dir;
    ChartView chart("Loss per step", "global step", "loss");
    fillTwoPhases(chart);
    show(chart);
    const QString base = QString::fromStdString((dir.path() / "loss").string());
    QString error;

    REQUIRE(chart.exportTo(base + ".png", &error));
    const QImage image(base + ".png");
    REQUIRE_FALSE(image.isNull());
    CHECK(image.width() == 2 * 640);  // twice the chart's pixels
    // Not a blank picture: the curves and text make more than one colour.
    int differing = 0;
    for (int y = 0; y < image.height(); y += 8) differing += image.pixelColor(image.width() / 2, y) != image.pixelColor(5, 5) ? 1 : 0;
    CHECK(differing > 3);

    REQUIRE(chart.exportTo(base + ".svg", &error));
    QSvgRenderer svg(base + ".svg");
    CHECK(svg.isValid());
    CHECK(svg.viewBox() == QRect(0, 0, 640, 400));
    QFile svgFile(base + ".svg");
    REQUIRE(svgFile.open(QIODevice::ReadOnly));
    CHECK(svgFile.readAll().contains("global step"));  // text stays text: selectable and searchable

    REQUIRE(chart.exportTo(base + ".pdf", &error));
    const auto info = fx::runProcess({"pdfinfo", (base + ".pdf").toStdString()});
    INFO(info.err + info.out);
    CHECK(info.exitCode == 0);
    CHECK(std::regex_search(info.out, std::regex("Pages:\\s+1\\n")));
    CHECK(std::regex_search(info.out, std::regex("Title:\\s+Loss per step\\n")));

    CHECK_FALSE(chart.exportTo(base + ".bmp", &error));
    CHECK(error.contains(base + ".bmp"));
    CHECK(error.contains(".png, .svg or .pdf"));
    const QString missing = QString::fromStdString((dir.path() / "no-such-folder" / "loss.png").string());
    CHECK_FALSE(chart.exportTo(missing, &error));
    CHECK(error.startsWith(missing));
}

TEST_CASE("chart view: an empty chart fills its widget (no legend row until there is a series)", "[charts]") {
    ChartView chart("Loss per step", "global step", "loss");
    chart.setLogScale(true);
    show(chart);
    CHECK_FALSE(chart.legend->visible());
    CHECK(chart.axisRect()->outerRect().width() > 600);
    chart.series("teacher", QPen(Qt::gray))->addData(1, 1.0);
    chart.replot(QCustomPlot::rpImmediateRefresh);
    CHECK(chart.legend->visible());
    CHECK(chart.axisRect()->outerRect().width() > 600);
}
