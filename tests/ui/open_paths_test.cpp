// Opening from outside (`tinyforge PATH...`, Open With, a drop on the window): each path goes where it belongs,
// decided from its files, and a path with nothing there is named without blocking the window.
#include <catch2/catch.hpp>

#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStackedWidget>

#include "core/error.h"
#include "core/results/summary_file.h"
#include "tests/support/fixtures.h"
#include "ui/compare/compare_page.h"
#include "ui/data/data_page.h"
#include "ui/export/export_page.h"
#include "ui/main_window.h"
#include "ui/open_target.h"
#include "ui/project/recipe_document.h"
#include "ui/run/results_card.h"
#include "ui/sweep/sweep_page.h"

using namespace tinyforge;
namespace fx = tinyforge::test;
using ui::OpenTarget;

namespace {

void writeRun(const std::filesystem::path& dir) {
    std::filesystem::create_directories(dir);
    core::results::RunSummary s;
    s.recipe = "iris-distill";
    s.seed = 42;
    core::results::ModelResult m;
    m.arch = "mlp";
    m.test_accuracy = 0.9;
    m.bytes_fp32 = 524;
    s.student = m;
    core::results::writeSummary(dir, s);
}

QWidget* currentPage(ui::MainWindow& window) { return window.findChild<QStackedWidget*>()->currentWidget(); }

}  // namespace

TEST_CASE("A path from outside is classified by its files: project, run folder, sweep folder or dataset", "[ui][open]") {
    fx::TempDir dir;
    fx::writeText(dir / "model.TFPROJ", "{}");
    writeRun(dir / "run");
    std::filesystem::create_directories(dir / "sweep" / "points");
    fx::writeText(dir / "sweep" / "plan.json", "{}");
    std::filesystem::create_directories(dir / "images" / "left");
    fx::writeText(dir / "table.csv", "a,b\n");
    CHECK(ui::classifyOpenTarget(dir / "model.TFPROJ") == OpenTarget::Project);
    CHECK(ui::classifyOpenTarget(dir / "run") == OpenTarget::Run);
    CHECK(ui::classifyOpenTarget(dir / "sweep") == OpenTarget::Sweep);
    CHECK(ui::classifyOpenTarget(dir / "images") == OpenTarget::Dataset);
    CHECK(ui::classifyOpenTarget(dir / "table.csv") == OpenTarget::Dataset);
    CHECK_THROWS_WITH(ui::classifyOpenTarget(dir / "gone.tfproj"), Catch::Contains("gone.tfproj") && Catch::Contains("no such file"));
}

TEST_CASE("The window opens each path where it belongs and names one that is not there", "[ui][open]") {
    fx::TempDir dir;
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, QString::fromStdString((dir / "settings").string()));
    const QString iris = QString::fromStdString((std::filesystem::path(TINYFORGE_RESOURCE_DIR) / "data" / "iris.csv").string());
    const QString project = QString::fromStdString((dir / "saved.tfproj").string());
    {
        ui::MainWindow other;
        other.document()->setValue("distill.temperature", 6.5);
        REQUIRE(other.saveProject(project));
    }
    ui::MainWindow window;

    // A project: opened as the project (asked first, with nothing unsaved yet).
    REQUIRE(window.openPath(project));
    CHECK(window.document()->file() == project);
    CHECK(window.document()->value("distill.temperature", 0).get<double>() == 6.5);

    // A dataset: loaded on the Data page, which is shown.
    QSignalSpy loaded(window.dataPage(), &ui::DataPage::loaded);
    REQUIRE(window.openPath(iris));
    REQUIRE(loaded.wait(10000));
    CHECK(currentPage(window) == window.dataPage());

    // A run folder: in Compare.
    writeRun(dir / "run");
    REQUIRE(window.openPath(QString::fromStdString((dir / "run").string())));
    CHECK(window.comparePage()->runCount() == 1);
    CHECK(currentPage(window) == window.comparePage());
    // Its results card shows beside the table, and hands the run on to Export.
    ui::ResultsCard* card = window.comparePage()->resultsCard();
    CHECK(card->runDir() == QString::fromStdString((dir / "run").string()));
    CHECK(card->text().contains("distilled student\t0.9000"));
    for (auto* b : card->findChildren<QPushButton*>())
        if (b->text() == "Export...") b->click();
    CHECK(currentPage(window) == window.exportPage());

    // A sweep folder: on the Sweep page, which reads it.
    std::filesystem::create_directories(dir / "sweep" / "points");
    fx::writeText(dir / "sweep" / "plan.json", "{}");
    const QString sweep = QString::fromStdString((dir / "sweep").string());
    REQUIRE(window.openPath(sweep));
    CHECK(window.sweepPage()->outputFolder() == sweep);
    CHECK(currentPage(window) == window.sweepPage());

    // Nothing there: false, and a message naming the path that leaves the window usable (not modal to the loop).
    const QString gone = QString::fromStdString((dir / "gone.tfproj").string());
    CHECK_FALSE(window.openPath(gone));
    const auto boxes = window.findChildren<QMessageBox*>();
    REQUIRE(boxes.size() == 1);
    CHECK(boxes.front()->text().contains(gone));
    CHECK(boxes.front()->isVisible());
    CHECK(window.document()->file() == project);  // the open project stays
    boxes.front()->close();
}
