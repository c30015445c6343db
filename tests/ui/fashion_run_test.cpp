// A real Fashion-MNIST run folder in the window (TINYFORGE_FASHION_RUN, e.g. one written by the command in
// docs/development.md): Compare lists it with its card, the Weights page draws its convolutions before and after
// each compression phase. It also takes the docs' Fashion-MNIST screenshots. Without the variable it is skipped:
// a Fashion-MNIST run takes minutes, more than the test suite spends on one case.
#include <catch2/catch.hpp>

#include <QSignalSpy>

#include "tests/ui/ui_support.h"
#include "ui/compare/compare_page.h"
#include "ui/main_window.h"
#include "ui/run/results_card.h"
#include "ui/weights/weights_page.h"

using namespace tinyforge::ui;
using tinyforge::test::saveScreenshot;

TEST_CASE("A real Fashion-MNIST run on the Compare and Weights pages", "[ui][real-data]") {
    const QString run = qEnvironmentVariable("TINYFORGE_FASHION_RUN");
    if (run.isEmpty()) {
        WARN("TINYFORGE_FASHION_RUN (a Fashion-MNIST run folder) is not set: skipped");
        return;
    }
    tinyforge::test::IsolatedSettings settings;
    MainWindow window;
    window.resize(1200, 800);
    window.show();
    REQUIRE(window.openPath(run));
    CHECK(window.currentPage() == "Compare");
    REQUIRE(window.comparePage()->runCount() == 1);
    window.comparePage()->selectRun(0);
    CHECK(window.comparePage()->resultsCard()->text().contains("compressed, as deployed"));
    saveScreenshot(window, "compare-fashion-mnist");

    WeightsPage* weights = window.weightsPage();
    QSignalSpy loaded(weights, &WeightsPage::loaded);
    window.showPage("Weights");
    if (weights->layers().isEmpty()) REQUIRE(loaded.wait(120000));
    REQUIRE(weights->layers().contains("conv2"));
    weights->showLayer("conv2");
    INFO(weights->seriesNames().join(", ").toStdString());
    CHECK(weights->seriesNames().mid(0, 2) == QStringList{"teacher", "student"});
    CHECK(weights->seriesNames().last() == "compressed");
    CHECK(weights->centroidMarks() >= 2);  // the recipe clusters to 16 shared values
    CHECK(weights->centroidMarks() <= 16);
    saveScreenshot(window, "weights-fashion-mnist");
}
