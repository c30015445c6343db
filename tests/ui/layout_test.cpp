// The window on a 1280x720 screen, in the light and the dark palette, at the scale factor the test runs with (ctest
// runs it again with QT_SCALE_FACTOR=2): every page's buttons, boxes and lists get at least the room their text
// needs, the window asks for no more than the screen has, text stands out from its background, and the charts follow
// the palette.
#include <catch2/catch.hpp>

#include <QAbstractButton>
#include <QAbstractSpinBox>
#include <QComboBox>
#include <QListWidget>
#include <QSignalSpy>
#include <QStackedWidget>

#include "tests/ui/ui_support.h"
#include "ui/chart_view.h"
#include "ui/data/data_page.h"
#include "ui/main_window.h"
#include "ui/pipeline_bar.h"
#include "ui/pipeline_state.h"
#include "ui/run/run_page.h"
#include "ui/theme.h"

using namespace tinyforge::ui;
using tinyforge::test::saveScreenshot;

namespace {

// Controls squeezed below what their text needs, on the page shown: "Type 'text' is 40 px wide, needs 64".
QStringList clippedControls(QWidget* page) {
    QStringList clipped;
    const auto check = [&](QWidget* w, const QString& text) {
        if (!w->isVisible()) return;
        const QSize need = w->minimumSizeHint();
        if (w->width() < need.width() || w->height() < need.height()) {
            clipped << QStringLiteral("%1 '%2' is %3x%4, needs %5x%6")
                           .arg(QString::fromLatin1(w->metaObject()->className()), text)
                           .arg(w->width())
                           .arg(w->height())
                           .arg(need.width())
                           .arg(need.height());
        }
    };
    for (auto* b : page->findChildren<QAbstractButton*>()) check(b, b->text());
    for (auto* c : page->findChildren<QComboBox*>()) check(c, c->currentText());
    for (auto* s : page->findChildren<QAbstractSpinBox*>()) check(s, s->text());
    return clipped;
}

}  // namespace

TEST_CASE("Every page fits 1280x720 without clipped controls, light and dark, at the scale factor given", "[ui][layout]") {
    tinyforge::test::IsolatedSettings settings;
    MainWindow window;
    window.resize(1280, 720);
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    QSignalSpy loaded(window.dataPage(), &DataPage::loaded);
    window.dataPage()->load(TINYFORGE_RESOURCE_DIR "/data/iris.csv");
    REQUIRE(loaded.wait(10000));
    const bool hidpi = window.devicePixelRatio() >= 2;
    const QString scale = hidpi ? QStringLiteral("-hidpi") : QString();
    INFO("device pixel ratio " << window.devicePixelRatio());

    // The window never asks for more than the screen (every page's minimum counts, the pages being stacked), so
    // it keeps the size given and nothing is pushed off its edges.
    INFO("minimum " << window.minimumSizeHint().width() << "x" << window.minimumSizeHint().height());
    CHECK(window.minimumSizeHint().width() <= 1280);
    CHECK(window.minimumSizeHint().height() <= 720);
    CHECK(window.size() == QSize(1280, 720));

    for (const Theme theme : {Theme::Light, Theme::Dark}) {
        applyTheme(theme);
        QTest::qWait(50);
        const QPalette p = window.palette();
        INFO("theme " << themeName(theme).toStdString());
        CHECK((theme == Theme::Dark) == (p.color(QPalette::Window).lightness() < 100));
        // Text stands out from what it is written on.
        CHECK(std::abs(p.color(QPalette::WindowText).lightness() - p.color(QPalette::Window).lightness()) > 120);
        CHECK(std::abs(p.color(QPalette::Text).lightness() - p.color(QPalette::Base).lightness()) > 120);

        for (const QString& page : pipelinePages()) {
            window.showPage(page);
            QTest::qWait(30);
            INFO("page " << page.toStdString());
            const QStringList clipped = clippedControls(window.findChild<QStackedWidget*>()->currentWidget());
            INFO(clipped.join("\n").toStdString());
            CHECK(clipped.isEmpty());
        }
        // Charts are drawn on the palette's base colour, whichever theme.
        window.showPage("Run");
        QTest::qWait(200);
        ChartView* loss = window.runPage()->chartView("loss");
        const QImage chart = loss->grab().toImage();
        const QColor corner = chart.pixelColor(3, 3);
        CHECK(std::abs(corner.lightness() - p.color(QPalette::Base).lightness()) < 10);
        const QString name = themeName(theme);
        if (hidpi) {  // the docs' screenshots are taken at a scale factor of 1 by the workflow test
            saveScreenshot(window, QStringLiteral("layout-run-%1%2").arg(name, scale));
            window.showPage("Models");
            saveScreenshot(window, QStringLiteral("layout-models-%1%2").arg(name, scale));
        }
    }
    applyTheme(Theme::System);
}
