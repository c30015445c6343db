// The Models page's architecture options as a form built from the recipe's field table: the right widget per option,
// its range and doc in the tooltip, values outside the range refused as typed, and the JSON view in sync both ways.
#include <catch2/catch.hpp>

#include <QComboBox>
#include <QLineEdit>
#include <QSpinBox>
#include <QTest>

#include "tests/ui/ui_support.h"
#include "ui/models/models_page.h"
#include "ui/project/field_editor.h"
#include "ui/project/recipe_document.h"

using namespace tinyforge::ui;
using nlohmann::json;

namespace {

// Types into a list editor as a user would (tests/ui/ui_support.h).
void typeInto(FieldEditor* editor, const QString& text) {
    auto* line = qobject_cast<QLineEdit*>(editor->input());
    REQUIRE(line);
    tinyforge::test::typeLine(line, text);
}

}  // namespace

TEST_CASE("Architecture options are a form from the recipe table, in sync with the JSON", "[ui][models][forms]") {
    RecipeDocument document;
    document.reset(RecipeDocument::bundledIrisRecipe());
    ModelsPage page(&document);
    page.show();

    // The bundled student is an mlp with hidden [16]: its one option shows as a list of whole numbers.
    FieldEditor* hidden = page.optionEditor(true, "hidden");
    REQUIRE(hidden);
    CHECK(qobject_cast<QLineEdit*>(hidden->input())->text() == "16");
    CHECK(hidden->toolTip().contains("widths of the dense hidden layers"));
    CHECK(hidden->toolTip().contains("units"));
    CHECK_FALSE(page.optionEditor(true, "channels"));  // an mlp takes no channels

    // Typed: stored in the recipe and shown as JSON.
    typeInto(hidden, "32, 8");
    CHECK(document.value("student.hidden") == json::array({32, 8}));
    CHECK(page.optionsJson(true) == R"({"hidden":[32,8]})");

    // Letters cannot be typed; a width out of range is held back (marked), the recipe keeps its last good value.
    typeInto(hidden, "12x");
    CHECK(qobject_cast<QLineEdit*>(hidden->input())->text() == "12");
    CHECK(document.value("student.hidden") == json::array({12}));
    auto* line = qobject_cast<QLineEdit*>(hidden->input());
    line->end(false);
    QTest::keyClicks(line, ", 0");  // a hidden layer of no units
    QTest::keyClick(line, Qt::Key_Return);
    CHECK(line->text() == "12, 0");
    CHECK_FALSE(hidden->acceptable());
    CHECK(line->styleSheet().contains("#c62828"));
    CHECK(document.value("student.hidden") == json::array({12}));

    // The JSON view drives the form too.
    page.setOptionsJson(true, R"({"hidden": [64, 4]})");
    CHECK(qobject_cast<QLineEdit*>(page.optionEditor(true, "hidden")->input())->text() == "64, 4");
    CHECK(document.value("student.hidden") == json::array({64, 4}));

    // Another architecture: its own options, with their own widgets; what it does not take is dropped.
    document.setValue("student", json{{"arch", "ds-cnn"}, {"channels", 32}});
    FieldEditor* channels = page.optionEditor(true, "channels");
    REQUIRE(channels);
    auto* channelBox = qobject_cast<QSpinBox*>(channels->input());  // ds-cnn takes one whole number
    REQUIRE(channelBox);
    CHECK(channelBox->value() == 32);
    FieldEditor* blocks = page.optionEditor(true, "blocks");
    REQUIRE(blocks);
    auto* blockBox = qobject_cast<QSpinBox*>(blocks->input());
    REQUIRE(blockBox);
    CHECK(blockBox->maximum() == 32);  // the table's range
    blockBox->setValue(99);            // clamped to the range
    CHECK(document.value("student.blocks") == 32);
    CHECK(document.value("student.channels") == 32);
    CHECK(document.value("student.hidden").is_null());

    document.setValue("student", json{{"arch", "cnn-small"}, {"channels", {8, 16}}});
    REQUIRE(page.optionEditor(true, "pool"));
    auto* pool = qobject_cast<QComboBox*>(page.optionEditor(true, "pool")->input());
    REQUIRE(pool);
    CHECK(pool->currentText() == "max");               // the table's default, not written to the recipe
    CHECK(document.value("student.pool").is_null());
    pool->setCurrentText("avg");
    CHECK(document.value("student.pool") == "avg");
    CHECK(document.value("student.channels") == json::array({8, 16}));
    CHECK(json::parse(page.optionsJson(true).toStdString()) == json{{"channels", {8, 16}}, {"pool", "avg"}});
}
