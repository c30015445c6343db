// Every recipe section as a form from the field table: values shown as the recipe holds them, edits stored, lists of
// names refused when a name is not one of the choices, optional fields left out when "not set", values the form
// cannot show marked rather than replaced, and the JSON view in sync both ways.
#include <catch2/catch.hpp>

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLineEdit>
#include <QSpinBox>
#include <QTest>

#include "tests/ui/ui_support.h"
#include "ui/project/field_editor.h"
#include "ui/project/recipe_document.h"
#include "ui/project/recipe_form.h"
#include "ui/tune/tune_page.h"

using namespace tinyforge::ui;
using nlohmann::json;

namespace {
void typeLine(FieldEditor* editor, const QString& text) {
    auto* line = qobject_cast<QLineEdit*>(editor->input());
    REQUIRE(line);
    tinyforge::test::typeLine(line, text);
}
}  // namespace

TEST_CASE("Every recipe section is a form in sync with the recipe and its JSON", "[ui][forms][recipe-form]") {
    RecipeDocument document;
    document.reset(RecipeDocument::bundledIrisRecipe());
    TunePage tune(&document);
    tune.resize(1280, 720);
    tune.show();
    tune.showAllSettings(true);
    RecipeForm* form = tune.recipeForm();
    CHECK(form->sectionTitles() == QStringList{"Run", "Dataset", "Training", "Distillation", "Baselines", "Channel pruning", "Pruning", "Clustering",
                                               "Quantization", "Export"});

    // Shown as the recipe holds them, with the table's doc in the tooltip; numbers as exact as they are.
    auto* epochs = qobject_cast<QSpinBox*>(form->editor("train.epochs")->input());
    REQUIRE(epochs);
    CHECK(epochs->value() == 150);
    CHECK(form->editor("train.epochs")->toolTip().contains("epochs"));
    auto* lr = qobject_cast<QDoubleSpinBox*>(form->editor("train.lr")->input());
    REQUIRE(lr);
    CHECK(lr->text() == "0.01");
    CHECK(qobject_cast<QComboBox*>(form->editor("train.optimizer")->input())->currentText() == "adam");
    CHECK(qobject_cast<QCheckBox*>(form->editor("baseline.student_scratch")->input())->isChecked());
    CHECK(form->editor("seed"));
    CHECK_FALSE(form->editor("student.hidden"));  // the models' options are on the Models page
    CHECK_FALSE(form->editor("prune.layers"));    // per-layer values: in the JSON

    // An edit is stored and the JSON view shows it.
    epochs->setValue(40);
    CHECK(document.value("train.epochs") == 40);
    CHECK(json::parse(form->jsonText().toStdString())["train"]["epochs"] == 40);
    lr->setValue(0.0005);
    CHECK(document.value("train.weight_decay").is_null());  // untouched fields stay out of the recipe
    CHECK(document.value("train.lr").get<double>() == Approx(0.0005));
    CHECK(lr->text() == "0.0005");

    // A list of names: each must be one of the field's choices; otherwise marked and not stored.
    FieldEditor* formats = form->editor("export.formats");
    REQUIRE(formats);
    typeLine(formats, "c, onnx");
    CHECK(document.value("export.formats") == json::array({"c", "onnx"}));
    typeLine(formats, "c, pdf");
    CHECK_FALSE(formats->acceptable());
    CHECK(document.value("export.formats") == json::array({"c", "onnx"}));
    typeLine(formats, "c; rm");  // what can never be a name cannot be typed
    CHECK(qobject_cast<QLineEdit*>(formats->input())->text() == "c rm");

    // A field without a default is "not set" until given, and goes back out of the recipe when unset.
    auto* budget = qobject_cast<QSpinBox*>(form->editor("export.flash_budget")->input());
    REQUIRE(budget);
    CHECK(budget->text() == "not set");
    CHECK(document.value("export.flash_budget").is_null());
    budget->setValue(200000);
    CHECK(document.value("export.flash_budget") == 200000);
    budget->setValue(budget->minimum());
    CHECK(document.value("export.flash_budget").is_null());
    CHECK_FALSE(document.recipe()["export"].contains("flash_budget"));

    // The JSON view drives the form; JSON that does not parse is refused with its line and column, nothing changed.
    form->setJsonShown(true);
    json edited = document.recipe();
    edited["train"]["epochs"] = 7;
    edited["distill"]["temperature"] = 2.5;
    form->setJsonText(QString::fromStdString(edited.dump(2)));
    REQUIRE(form->applyJson());
    CHECK(epochs->value() == 7);
    CHECK(qobject_cast<QDoubleSpinBox*>(form->editor("distill.temperature")->input())->value() == 2.5);
    CHECK(tune.temperatureBox()->value() == 2.5);  // the compression tab follows the same document
    const json before = document.recipe();
    form->setJsonText("{\"train\": {\"epochs\": 3,}");
    CHECK_FALSE(form->applyJson());
    CHECK(form->jsonError().contains("line 1"));
    CHECK(document.recipe() == before);
    form->setJsonText("[1, 2]");
    CHECK_FALSE(form->applyJson());
    CHECK(form->jsonError().contains("JSON object"));

    // A value the field does not take (the engine will refuse it) is marked, not replaced by the nearest it can show.
    edited = document.recipe();
    edited["train"]["epochs"] = "ten";
    edited["distill"]["temperature"] = 0;  // the temperature must be above 0
    form->setJsonText(QString::fromStdString(edited.dump()));
    REQUIRE(form->applyJson());
    CHECK(form->marked("train.epochs"));
    CHECK(form->marked("distill.temperature"));
    CHECK_FALSE(form->marked("train.lr"));
    CHECK(document.value("train.epochs") == "ten");
    CHECK(form->editor("train.epochs")->input()->toolTip().startsWith("The recipe holds \"ten\""));
    epochs->setValue(5);
    CHECK_FALSE(form->marked("train.epochs"));
    CHECK(document.value("train.epochs") == 5);
}
