// The window survives what it is handed: an exception escaping a slot, a damaged or hostile summary.json, a project
// file with wrong types or deep nesting. Each is shown to the user; nothing terminates the studio or loses its work.
#include <catch2/catch.hpp>

#include <QApplication>
#include <QDoubleSpinBox>
#include <QMessageBox>
#include <QSettings>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "tests/support/fixtures.h"
#include "ui/compare/run_list.h"
#include "ui/devices/devices_page.h"
#include "ui/main_window.h"
#include "ui/models/models_page.h"
#include "ui/project/recipe_document.h"
#include "ui/studio_application.h"
#include "ui/tune/tune_page.h"

namespace fx = tinyforge::test;
using namespace tinyforge::ui;
using Catch::Matchers::Contains;
using nlohmann::json;

namespace {

struct Settings {
    fx::TempDir dir;
    Settings() {
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, QString::fromStdString(dir.path().string()));
        QSettings().clear();
    }
};

StudioApplication& studio() { return *qobject_cast<StudioApplication*>(QCoreApplication::instance()); }

// Closes the message boxes the window opens (a modal one would wait for a click), counting them.
int closeMessageBoxes() {
    int closed = 0;
    for (QWidget* w : QApplication::topLevelWidgets()) {
        if (auto* box = qobject_cast<QMessageBox*>(w); box && box->isVisible()) {
            box->done(QMessageBox::Ok);
            ++closed;
        }
    }
    return closed;
}

// A run folder whose summary.json holds `text`.
QString runWithSummary(const fx::TempDir& dir, const std::string& name, const std::string& text) {
    const auto run = dir / name;
    std::filesystem::create_directories(run);
    fx::writeText(run / "recipe.json", "{}");
    fx::writeText(run / "summary.json", text);
    return QString::fromStdString(run.string());
}

}  // namespace

TEST_CASE("An exception that escapes a slot is shown and the window keeps working", "[ui][robustness]") {
    Settings settings;
    MainWindow window;
    window.show();
    const int before = studio().caughtCount();
    QSignalSpy reported(&studio(), &StudioApplication::uncaughtError);
    QTimer::singleShot(0, &window, [] { throw tinyforge::Error("a slot failed on purpose"); });
    QTimer::singleShot(0, &window, [] { throw 42; });  // not even an exception type
    REQUIRE(reported.wait(2000));
    QTest::qWait(50);
    CHECK(studio().caughtCount() == before + 2);
    CHECK(reported.at(0).at(0).toString() == "a slot failed on purpose");
    CHECK_THAT(studio().lastError().toStdString(), Contains("unknown failure"));
    CHECK(closeMessageBoxes() >= 1);  // shown to the user
    // The window still does its work: an edit reaches the Tune page.
    window.document()->setValue("distill.temperature", 5.5);
    CHECK(window.tunePage()->temperatureBox()->value() == 5.5);
}

TEST_CASE("A damaged or hostile summary.json is reported on Compare and Devices, never fatal", "[ui][robustness][bad-input]") {
    Settings settings;
    fx::TempDir dir;
    json wrongType = json::parse(R"({"schema_version": 2, "recipe": "x", "seed": 1, "threads": 1, "timings": {}, "devices": [],
        "dataset": {"name": "d", "format": "csv", "source": "s", "train": 1, "val": 0, "test": 1, "classes": "two"}})");
    const std::vector<std::pair<std::string, std::string>> cases{
        {"wrong-type", wrongType.dump()},
        {"deep", std::string(200000, '{')},
        {"not-json", "{\"schema_version\": 2, \"recipe\": "},
        {"old", R"({"recipe": "x", "student": {"test_accuracy": 0.9}})"},
    };
    for (const auto& [name, text] : cases) {
        INFO(name);
        const QString run = runWithSummary(dir, name, text);
        QString error;
        CHECK_FALSE(readRun(run, &error));
        CHECK_THAT(error.toStdString(), Contains("summary.json"));
        DevicesPage devices;
        devices.addRun(run);  // reads the summary for the fit bars and the results table
        CHECK_THAT(devices.statusText().toStdString(), Contains("summary.json"));
        CHECK(devices.resultRows() == 0);
    }
    QString error;
    readRun(runWithSummary(dir, "field", wrongType.dump()), &error);
    CHECK_THAT(error.toStdString(), Contains("dataset.classes: expected a whole number"));
    readRun(runWithSummary(dir, "nested", std::string(200000, '[')), &error);
    CHECK_THAT(error.toStdString(), Contains("nested deeper than"));
}

TEST_CASE("A project with wrong types or deep nesting is refused and the open project stays", "[ui][robustness][bad-input]") {
    Settings settings;
    fx::TempDir dir;
    MainWindow window;
    window.document()->setValue("distill.temperature", 6.0);
    const json before = window.document()->recipe();
    const std::vector<std::pair<std::string, std::string>> cases{
        {"format-number.tfproj", R"({"format": 5, "recipe": {}})"},
        {"recipe-array.tfproj", R"({"format": "tinyforge-project", "recipe": []})"},
        {"ui-string.tfproj", json{{"format", "tinyforge-project"}, {"recipe", before}, {"ui", "page 3"}}.dump()},
        {"temperature-text.tfproj", [&] {
             json p{{"format", "tinyforge-project"}, {"recipe", before}};
             p["recipe"]["distill"]["temperature"] = "hot";
             return p.dump();
         }()},
        {"deep.tfproj", std::string(100000, '[') + std::string(100000, ']')},
    };
    for (const auto& [name, text] : cases) {
        INFO(name);
        fx::writeText(dir / name, text);
        QTimer::singleShot(0, [] { closeMessageBoxes(); });  // the warning names the file; dismiss it
        CHECK_FALSE(window.openProject(QString::fromStdString((dir / name).string())));
        CHECK(window.document()->recipe() == before);
    }
    RecipeDocument document;
    CHECK_THROWS_WITH(document.open(QString::fromStdString((dir / "temperature-text.tfproj").string())),
                      Contains("distill.temperature: expected a number"));
    CHECK_THROWS_WITH(document.open(QString::fromStdString((dir / "deep.tfproj").string())), Contains("nested deeper than"));
}

TEST_CASE("The Tune page shows the engine's default for a value of the wrong type instead of failing", "[ui][robustness]") {
    Settings settings;
    MainWindow window;
    window.document()->setValue("distill.temperature", "hot");  // as a hand-edited project could hold before a run refuses it
    CHECK(window.tunePage()->temperatureBox()->value() == 4.0);
    window.document()->setValue("prune.final_sparsity", json::array({1, 2}));
    CHECK(window.tunePage()->schedule().final == 0.9);
    // The Models page too: an architecture given as a number shows as the default one.
    window.document()->setValue("student", json{{"arch", 5}, {"torchscript", false}});
    CHECK(window.modelsPage()->layerRows(true) >= 0);
}
