// The Models page's layer graph: one box per layer, in the order of the table, each with the table's figures; the
// teacher and the student switch between table and graph together.
#include <catch2/catch.hpp>

#include <QTableWidget>
#include <QTest>

#include "core/data/load_dataset.h"
#include "tests/support/fixtures.h"
#include "tests/ui/ui_support.h"
#include "ui/models/model_graph_view.h"
#include "ui/models/models_page.h"
#include "ui/project/recipe_document.h"

using namespace tinyforge::ui;
namespace fx = tinyforge::test;

TEST_CASE("The layer graph shows every layer with its shape, parameters, MACs, bytes and encoding", "[ui][models][graph]") {
    fx::TempDir dir;
    fx::writeIdxDataset(dir / "digits", fx::balancedLabels(10, 4), fx::balancedLabels(10, 1), 28, 28, false);
    tinyforge::core::data::LoadOptions options;
    options.path = dir / "digits";
    auto dataset = std::make_shared<const tinyforge::core::data::Dataset>(tinyforge::core::data::loadDataset(options));

    RecipeDocument document;
    document.reset(RecipeDocument::bundledIrisRecipe());
    document.setValue("teacher", {{"arch", "cnn-small"}});
    document.setValue("student", {{"arch", "lenet5"}});
    ModelsPage page(&document);
    page.resize(1280, 720);
    page.show();
    page.setDataset(dataset);

    const ModelGraphView* student = page.graphView(true);
    const ModelGraphView* teacher = page.graphView(false);
    REQUIRE(student->nodeCount() >= 6);
    CHECK(student->nodeCount() == page.layerRows(true) - 1);  // every row but the totals
    CHECK(teacher->nodeCount() == page.layerRows(false) - 1);

    // The first convolution: 6 filters of 5x5 over one channel, as LeNet-5 has them.
    const QString first = student->nodeText(0);
    INFO(first.toStdString());
    CHECK(first.startsWith("conv1  Conv2d"));
    CHECK(first.contains("156 params"));  // 6 x 1 x 5 x 5 + 6
    CHECK(first.contains(" B"));          // its deployed bytes
    // Every box ends with the shape it hands on; the last is the classes.
    CHECK(student->nodeText(student->nodeCount() - 1).endsWith("out 10"));
    // Parameter-free layers say only their name, type and shape.
    bool sawActivation = false;
    for (int i = 0; i < student->nodeCount(); ++i) {
        const QString text = student->nodeText(i);
        if (text.contains("ReLU")) {
            sawActivation = true;
            CHECK_FALSE(text.contains("params"));
        }
    }
    CHECK(sawActivation);

    page.showGraphs(true);
    QTest::qWait(50);
    CHECK(student->isVisible());
    CHECK(teacher->isVisible());
    // The boxes are laid out top to bottom with room for an arrow between them, each found where it is drawn, all
    // inside the widget (which scrolls).
    for (int i = 0; i < student->nodeCount(); ++i) {
        CHECK(student->nodeAt(student->nodeRect(i).center()) == i);
        if (i > 0) CHECK(student->nodeRect(i).top() > student->nodeRect(i - 1).bottom() + 10);
    }
    CHECK(student->nodeRect(student->nodeCount() - 1).bottom() < student->height());
    CHECK(student->nodeAt(QPoint(student->width() / 2, 2)) == -1);  // above the first box: the input label
    page.showGraphs(false);
    CHECK_FALSE(student->isVisible());
}
