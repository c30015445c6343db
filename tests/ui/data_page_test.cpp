#include <catch2/catch.hpp>

#include <QApplication>
#include <QDir>
#include <QMessageBox>
#include <QSignalSpy>
#include <QTest>

#include "tests/support/fixtures.h"
#include "tests/ui/ui_support.h"
#include "ui/data/data_page.h"
#include "ui/main_window.h"
#include "ui/models/model_graph_view.h"
#include "ui/models/models_page.h"
#include "ui/project/recipe_document.h"
#include "ui/pipeline_bar.h"

namespace fx = tinyforge::test;
using tinyforge::ui::DataPage;

using tinyforge::test::saveScreenshot;

TEST_CASE("Data page loads the Iris table off the GUI thread and shows its classes", "[ui][data]") {
    tinyforge::ui::MainWindow window;
    window.show();
    DataPage* page = window.dataPage();
    QSignalSpy loaded(page, &DataPage::loaded);
    page->load(TINYFORGE_RESOURCE_DIR "/data/iris.csv");
    REQUIRE(loaded.wait(10000));
    REQUIRE(page->dataset() != nullptr);
    CHECK(page->dataset()->sampleCount() == 150);
    CHECK(page->histogramBarCount() == 3);
    CHECK(page->summaryText().contains("150 samples"));
    saveScreenshot(window, "data-iris");
}

TEST_CASE("Data page shows image datasets and keeps the last good dataset after a bad one", "[ui][data][bad-input]") {
    fx::TempDir dir;
    fx::writeIdxDataset(dir / "fashion", fx::balancedLabels(10, 20), fx::balancedLabels(10, 2), 28, 28, true);
    fx::writeText(dir / "broken.csv", "a,b,label\n1,2,x\n1,two,y\n");

    DataPage page;
    page.resize(1000, 700);
    page.show();
    QSignalSpy loaded(&page, &DataPage::loaded);
    QSignalSpy failed(&page, &DataPage::loadFailed);
    page.load(QString::fromStdString((dir / "fashion").string()));
    REQUIRE(loaded.wait(10000));
    CHECK(page.histogramBarCount() == 10);
    const auto shown = page.dataset();

    page.load(QString::fromStdString((dir / "broken.csv").string()));
    REQUIRE(failed.wait(10000));
    CHECK(failed.takeFirst().at(0).toString().contains("line 3, column 'b'"));
    CHECK(page.dataset() == shown);  // the user's loaded data is not lost
    CHECK(page.summaryText().contains("Could not load"));
}

TEST_CASE("Real Fashion-MNIST renders on the Data page", "[ui][data][real-data]") {
    if (!QDir("/usr/share/datasets/fashion-mnist").exists()) {
        WARN("Fashion-MNIST is not installed: skipped");
        return;
    }
    tinyforge::ui::MainWindow window;
    window.show();
    QSignalSpy loaded(window.dataPage(), &DataPage::loaded);
    window.dataPage()->load("/usr/share/datasets/fashion-mnist");
    REQUIRE(loaded.wait(20000));
    CHECK(window.dataPage()->dataset()->sampleCount() == 70000);
    CHECK(window.dataPage()->sampleTileCount() == 32);
    saveScreenshot(window, "data-fashion-mnist");
    // The networks for it, as graphs side by side: the layer view of the Models page.
    window.document()->setValue("teacher", {{"arch", "cnn-small"}});
    window.document()->setValue("student", {{"arch", "lenet5"}});
    window.showPage("Models");
    window.modelsPage()->showGraphs(true);
    CHECK(window.modelsPage()->graphView(true)->nodeCount() == window.modelsPage()->layerRows(true) - 1);
    CHECK(window.modelsPage()->graphView(true)->nodeText(0).startsWith("conv1  Conv2d"));
    saveScreenshot(window, "models-graph-fashion-mnist");
}

TEST_CASE("A dataset that cannot be read marks the Data step and says so in the status bar", "[ui][data][bad-input][pipeline]") {
    fx::TempDir dir;
    fx::writeText(dir / "broken.csv", "a,b,label\n1,2,x\n1,two,y\n");
    tinyforge::ui::MainWindow window;
    window.show();
    QSignalSpy failed(window.dataPage(), &DataPage::loadFailed);
    window.dataPage()->load(QString::fromStdString((dir / "broken.csv").string()));
    REQUIRE(failed.wait(10000));
    CHECK(window.pipelineBar()->state("Data") == tinyforge::ui::StepState::Attention);
    const auto items = window.pipelineBar()->findItems("Data", Qt::MatchExactly);
    REQUIRE(items.size() == 1);
    CHECK(items.first()->toolTip().contains("line 3, column 'b'"));
    CHECK(window.nextStepText() == "Next: load a dataset on Data (Alt+1); the last one could not be read");
    // A good dataset afterwards clears it.
    QSignalSpy loaded(window.dataPage(), &DataPage::loaded);
    window.dataPage()->load(TINYFORGE_RESOURCE_DIR "/data/iris.csv");
    REQUIRE(loaded.wait(10000));
    CHECK(window.pipelineBar()->state("Data") == tinyforge::ui::StepState::Done);
    for (QWidget* w : QApplication::topLevelWidgets()) {  // the non-blocking warning the failure opened
        if (auto* box = qobject_cast<QMessageBox*>(w)) box->done(QMessageBox::Ok);
    }
}
