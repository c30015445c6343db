// The studio window driven through the Iris workflow with its real widgets: load, pick, tune, run, compare; the
// event loop must keep turning while training, the plots must receive points, cancel must stop within a second,
// and a saved project must reopen identical.
#include <catch2/catch.hpp>

#include <QDir>

#include <fstream>
#include <QElapsedTimer>
#include <QRegularExpression>
#include <QSettings>
#include <QLocale>
#include <QMessageBox>
#include <QSignalSpy>
#include <QSvgRenderer>
#include <QTest>
#include <QTimer>

#include <QDoubleSpinBox>
#include <QApplication>
#include <QGroupBox>
#include <qcustomplot.h>

#include "core/error.h"
#include "core/results/aggregate.h"
#include "core/results/summary_file.h"
#include "tests/support/fixtures.h"
#include "tests/ui/ui_support.h"
#include "tests/support/process.h"
#include "ui/chart_view.h"
#include "ui/compare/compare_page.h"
#include "ui/data/data_page.h"
#include "devices/discovery/probe_watcher.h"
#include "ui/devices/devices_page.h"
#include "ui/devices/drift_view.h"
#include "ui/devices/layer_profile_view.h"
#include "ui/export/export_page.h"
#include "ui/weights/weights_page.h"
#include "core/pipeline/run_weights.h"
#include "ui/main_window.h"
#include "ui/models/model_graph_view.h"
#include "ui/models/models_page.h"
#include "ui/pipeline_bar.h"
#include "ui/pipeline_state.h"
#include "ui/theme.h"
#include "ui/themed_plot.h"
#include "ui/project/recipe_document.h"
#include "ui/project/recipe_form.h"
#include "ui/run/results_card.h"
#include "ui/run/run_page.h"
#include "ui/run/run_worker.h"
#include "ui/tune/tune_page.h"

namespace fx = tinyforge::test;
using namespace tinyforge::ui;

using tinyforge::test::saveScreenshot;
using tinyforge::test::IsolatedSettings;
using tinyforge::test::StallMeter;

namespace {


// A quick Iris recipe: the bundled one with fewer epochs.
void shorten(RecipeDocument& document) {
    document.setValue("train.epochs", 60);
    document.setValue("prune.train.epochs", 6);
    document.setValue("cluster.train.epochs", 3);
    document.setValue("quantize.train.epochs", 2);
    document.setValue("export.formats", nlohmann::json::array({"c"}));
}

}  // namespace

TEST_CASE("The Iris workflow through the window: load, pick, tune, run, compare", "[ui][workflow]") {
    IsolatedSettings settings;
    fx::TempDir runs;
    MainWindow window;
    window.show();
    QSignalSpy loaded(window.dataPage(), &DataPage::loaded);
    window.dataPage()->load(TINYFORGE_RESOURCE_DIR "/data/iris.csv");
    REQUIRE(loaded.wait(10000));
    CHECK_FALSE(window.document()->isModified());  // the bundled recipe already trains on the bundled Iris
    // The pipeline bar: data loaded, and the status bar says what to do next.
    CHECK(window.pipelineBar()->state("Data") == StepState::Done);
    CHECK(window.pipelineBar()->state("Run") == StepState::Idle);
    CHECK(window.nextStepText() == "Next: train, distil and compress with Run (Ctrl+R)");
    window.activateWindow();
    REQUIRE(QTest::qWaitForWindowActive(&window));
    QTest::keyClick(&window, Qt::Key_4, Qt::AltModifier);
    CHECK(window.currentPage() == "Run");
    QTest::keyClick(&window, Qt::Key_1, Qt::AltModifier);
    CHECK(window.currentPage() == "Data");

    // Pick: the layer tables follow the recipe, and the fit check follows the board.
    window.showPage("Models");
    const int oneHidden = window.modelsPage()->layerRows(true);
    CHECK(oneHidden >= 4);  // a hidden layer, its activation, the output layer, the totals row
    {  // the uncompressed teacher deploys its fp32 weights: the two totals agree
        const QString totals = window.modelsPage()->totalsText(false);
        const auto m = QRegularExpression(QStringLiteral("([0-9.,]+ [KM]?B) as fp32, ([0-9.,]+ [KM]?B) with 32-bit weights")).match(totals);
        INFO(totals.toStdString());
        REQUIRE(m.hasMatch());
        CHECK(m.captured(1) == m.captured(2));
    }
    window.modelsPage()->setBoard("stm32f030cc");
    CHECK(window.modelsPage()->fitText().startsWith("Fits"));
    window.document()->setValue("student", {{"arch", "mlp"}, {"hidden", {2048, 2048}}});
    CHECK(window.modelsPage()->layerRows(true) == oneHidden + 2);  // one more hidden layer and its activation
    CHECK(window.modelsPage()->fitText().startsWith("Will not fit (flash)"));  // 4.2 M weights > 256 KB
    CHECK(window.pipelineBar()->state("Models") == StepState::Attention);
    CHECK(window.nextStepText().contains("Models (Alt+2)"));
    window.document()->setValue("student", {{"arch", "mlp"}, {"hidden", {12}}});
    CHECK(window.modelsPage()->fitText().startsWith("Fits"));
    CHECK(window.pipelineBar()->state("Models") == StepState::Done);
    saveScreenshot(window, "models-iris");
    window.modelsPage()->showGraphs(true);  // the same two networks as layer graphs
    CHECK(window.modelsPage()->graphView(true)->nodeCount() == window.modelsPage()->layerRows(true) - 1);
    saveScreenshot(window, "models-graph-iris");
    window.modelsPage()->showGraphs(false);

    // Tune: the controls write the recipe and the curve follows every edit.
    window.showPage("Tune");
    TunePage* tune = window.tunePage();
    tune->temperatureBox()->setValue(6.0);
    CHECK(window.document()->value("distill.temperature") == 6.0);
    tune->finalSparsityBox()->setValue(0.8);
    CHECK(window.document()->value("prune.final_sparsity") == 0.8);
    CHECK(tune->curvePointCount() == 401);
    CHECK(tune->curveFinalValue() == Approx(0.8));
    tune->finalSparsityBox()->setValue(0.6);
    CHECK(tune->curveFinalValue() == Approx(0.6));
    tune->setLayerClusters("fc1", 4);  // the student's layers are offered their own k
    CHECK(window.document()->value("cluster.layers.fc1") == 4);
    tune->setLayerClusters("fc1", 0);  // back to the global count
    CHECK(window.document()->value("cluster.layers.fc1").is_null());
    saveScreenshot(window, "tune-iris");
    tune->showAllSettings(true);  // every other section as a form
    CHECK(tune->recipeForm()->editor("train.epochs"));
    saveScreenshot(window, "tune-settings-iris");
    tune->showAllSettings(false);
    CHECK(window.document()->isModified());

    // Run: the same pipeline as the CLI, on a worker thread; the window stays responsive.
    shorten(*window.document());
    window.showPage("Run");
    RunPage* run = window.runPage();
    run->setRunsFolder(QString::fromStdString(runs.path().string()));
    QSignalSpy finished(run, &RunPage::runFinished);
    // While it trains, the user looks around: every page in turn (the Models page's graphs, the Tune page's forms),
    // and the pointer over the live loss chart for its read-out. The event loop must keep up throughout. The pages
    // have been open once before (a page's first show lays out and styles all its widgets, once).
    window.modelsPage()->showGraphs(true);
    for (const QString& page : tinyforge::ui::pipelinePages()) {
        window.showPage(page);
        QTest::qWait(10);
    }
    window.showPage("Run");
    StallMeter stalls([&window] { return window.currentPage(); });
    run->start();
    REQUIRE(run->isRunning());
    QTimer browse;
    int visits = 0, readouts = 0;
    browse.setInterval(25);
    QObject::connect(&browse, &QTimer::timeout, [&] {
        const QStringList pages = tinyforge::ui::pipelinePages();
        window.showPage(pages[visits++ % pages.size()]);
        if (window.currentPage() == "Run") {
            ChartView* loss = run->chartView("loss");
            QTest::mouseMove(loss, QPoint(loss->width() * (visits % 7 + 1) / 9, loss->height() / 2));
            readouts += loss->readoutAt(QPointF(loss->width() / 2.0, loss->height() / 2.0)).isEmpty() ? 0 : 1;
        }
    });
    browse.start();
    QElapsedTimer training;
    training.start();
    REQUIRE(finished.wait(300000));
    browse.stop();
    INFO(run->logText().toStdString());
    INFO("pages visited while training: " << visits << " in " << training.elapsed() << " ms");
    CHECK(visits >= 15);
    INFO("worst stall " << stalls.worstGapMs() << " ms, on the " << stalls.worstWhere().toStdString() << " page");
    CHECK(stalls.worstGapMs() < 100);
    window.modelsPage()->showGraphs(false);
    window.showPage("Run");
    CHECK(run->pointCount("accuracy") > 20);
    CHECK(run->pointCount("loss") > 20);
    CHECK(run->pointCount("sparsity") > 0);
    CHECK(run->pointCount("size") > 0);
    CHECK(run->progressPercent() == 100);
    CHECK(window.pipelineBar()->state("Run") == StepState::Done);
    CHECK(window.pipelineBar()->state("Compare") == StepState::Done);
    CHECK(window.nextStepText() == "Next: export the result on Export (Alt+8) or deploy it on Devices (Alt+9)");
    {  // One global-step axis: the phases shaded in the order they ran, each model's points after the one before.
        ChartView* loss = run->chartView("loss");
        ChartView* accuracy = run->chartView("accuracy");
        const QStringList phases = loss->phaseLabels();
        INFO(phases.join(", ").toStdString());
        REQUIRE(phases.size() >= 3);
        CHECK(phases.front() == "teacher");
        CHECK(phases.contains("student"));
        CHECK(accuracy->phaseLabels() == phases);
        const QCPGraph* teacher = accuracy->findSeries("teacher");
        const QCPGraph* compressed = accuracy->findSeries("compressed");
        REQUIRE(teacher);
        REQUIRE(compressed);
        CHECK((teacher->data()->constEnd() - 1)->key < compressed->data()->constBegin()->key);
        // One colour per model on every chart.
        CHECK(compressed->pen().color() == loss->findSeries("compressed")->pen().color());
        CHECK(compressed->pen().color() == run->chartView("sparsity")->findSeries("compressed")->pen().color());
        CHECK(compressed->pen().color() != teacher->pen().color());
        // The total loss by default on a log axis; the soft and hard parts of distillation on demand.
        CHECK(loss->yAxis->scaleType() == QCPAxis::stLogarithmic);
        REQUIRE(loss->findSeries("student soft"));
        CHECK(loss->findSeries("student")->visible());
        CHECK_FALSE(loss->findSeries("student soft")->visible());
        run->setLossPartsShown(true);
        CHECK(loss->findSeries("student soft")->visible());
        CHECK(loss->findSeries("student hard")->visible());
        saveScreenshot(window, "loss-parts-iris");
        CHECK_FALSE(loss->findSeries("teacher soft"));  // a teacher learns from labels alone: no parts
        run->setLossPartsShown(false);
        CHECK_FALSE(loss->findSeries("student hard")->visible());
    }
    const QString runDir = finished.at(0).at(0).toString();
    CHECK(QFile::exists(runDir + "/summary.json"));
    CHECK(QFile::exists(runDir + "/export/c/tf_model.c"));
    // What the run achieved, without opening Compare: the card's figures are the summary's; one seed, so no spread.
    {
        const auto summary = tinyforge::core::results::readSummary(runDir.toStdString());
        REQUIRE(summary.teacher);
        REQUIRE(summary.compressed);
        const QString text = run->resultsText();
        INFO(text.toStdString());
        CHECK(text.contains(QStringLiteral("teacher\t%1").arg(summary.teacher->test_accuracy, 0, 'f', 4)));
        CHECK(text.contains(QStringLiteral("compressed, as deployed\t%1").arg(summary.compressed->deployedAccuracy(), 0, 'f', 4)));
        CHECK(text.contains(QStringLiteral("in %1 bytes").arg(QLocale(QLocale::English).toString(static_cast<qlonglong>(summary.compressed->bytes_deployed)))));
        CHECK_FALSE(text.contains("seeds"));
        CHECK(run->resultsCard()->isVisible());
        // The size chart ends on the exported model's size, not on the last phase's estimate.
        const QCPGraph* final = run->chartView("size")->findSeries("as deployed");
        REQUIRE(final);
        REQUIRE(final->dataCount() == 1);
        CHECK(final->data()->constBegin()->value == static_cast<double>(summary.compressed->bytes_deployed));
    }
    saveScreenshot(*run->resultsCard(), "results-iris");
    saveScreenshot(window, "run-iris");
    {  // the same page in the dark palette: the charts follow it
        applyTheme(Theme::Dark);
        QTest::qWait(50);
        const QImage chart = run->chartView("loss")->grab().toImage();
        CHECK(chart.pixelColor(3, 3).lightness() < 80);
        saveScreenshot(window, "run-dark");
        applyTheme(Theme::System);
    }

    // Compare: the finished run is listed (and the list is saved), curves and the Pareto scatter show it.
    window.showPage("Compare");
    ComparePage* compare = window.comparePage();
    CHECK(compare->runCount() == 1);
    CHECK(compare->scatterPointCount() == 1);
    CHECK(compare->curveCount() == 1);
    CHECK(compare->paretoRuns().size() == 1);
    CHECK(QSettings().value("runs/folders").toStringList().size() == 1);
    ComparePage reopened;  // a restart reads the saved list
    CHECK(reopened.runCount() == 1);
    saveScreenshot(window, "compare-iris");

    // Weights: the finished run's layers, each drawn as the histogram of the teacher's (a layer of the same name),
    // the student's, each compression phase's and the compressed model's weights, the centroids marked, and the
    // layer's mask.
    window.showPage("Weights");
    WeightsPage* weights = window.weightsPage();
    if (weights->layers().isEmpty()) {
        QSignalSpy weightsLoaded(weights, &WeightsPage::loaded);
        REQUIRE(weightsLoaded.wait(60000));
    }
    {
        const auto models = tinyforge::core::pipeline::loadRunWeights(runDir.toStdString());
        // The teacher, the student, the model as each compression phase left it, and the compressed model.
        std::vector<std::string> names;
        for (const auto& m : models) names.push_back(m.model);
        CHECK(names == std::vector<std::string>{"teacher", "student", "compress_prune", "compress_cluster", "compress_qat", "compressed"});
        REQUIRE(models.size() == 6);
        const auto* compressedFc1 = models.back().find("fc1");
        REQUIRE(compressedFc1);
        CHECK(weights->layers().contains("fc1"));
        weights->showLayer("fc1");
        CHECK(weights->seriesNames() == QStringList{"teacher", "student", "after pruning", "after clustering", "after QAT", "compressed"});
        CHECK(weights->histogramWeights(5) == static_cast<std::int64_t>(compressedFc1->values.size()));
        CHECK(weights->centroidMarks() == static_cast<int>(compressedFc1->sharedValues(64).size()));
        CHECK(weights->centroidMarks() >= 1);
        CHECK(weights->centroidMarks() <= 8);  // the recipe clusters to 8 values (or fewer, zero among them)
        CHECK(weights->maskCells() == static_cast<int>(compressedFc1->values.size()));  // drawn cell by cell
        CHECK(compressedFc1->zeros() > 0);  // pruned, and counted apart
        CHECK(weights->summaryText().contains(QStringLiteral("compressed %1 weights").arg(compressedFc1->values.size())));
        // What each phase did: pruning zeroed weights but left their values free; clustering shared them.
        const auto* pruned = models[2].find("fc1");
        const auto* clustered = models[3].find("fc1");
        REQUIRE(pruned);
        REQUIRE(clustered);
        CHECK(pruned->zeros() > 0);
        CHECK(pruned->sharedValues(8).empty());  // more than 8 distinct values: not clustered yet
        CHECK_FALSE(clustered->sharedValues(8).empty());  // at most the 8 clusters' values
        // The phases can be left out: the three models remain.
        weights->setPhasesShown(false);
        CHECK(weights->seriesNames() == QStringList{"teacher", "student", "compressed"});
        CHECK(weights->histogramWeights(2) == static_cast<std::int64_t>(compressedFc1->values.size()));
        weights->setPhasesShown(true);
    }
    saveScreenshot(window, "weights-iris");
    {  // every chart of the studio exports from its context menu, not only the Run page's
        const auto plots = weights->findChildren<ThemedPlot*>();
        REQUIRE(plots.size() == 2);  // the histogram and the mask
        fx::TempDir charts;
        const QString svg = QString::fromStdString((charts / "histogram.svg").string());
        REQUIRE(plots.first()->exportTo(svg));
        CHECK(QSvgRenderer(svg).isValid());
        const QString png = QString::fromStdString((charts / "mask.png").string());
        REQUIRE(plots.last()->exportTo(png));
        CHECK_FALSE(QImage(png).isNull());
    }

    // Export: the finished run is offered; the files written are listed.
    window.showPage("Export");
    ExportPage* exporter = window.exportPage();
    fx::TempDir exports;
    exporter->setFormats(true, false, true);
    exporter->setOutputFolder(QString::fromStdString(exports.path().string()));
    QSignalSpy exported(exporter, &ExportPage::exported);
    exporter->exportSelected();
    REQUIRE(exported.wait(120000));
    CHECK(QFile::exists(QString::fromStdString((exports / "c" / "tf_model.c").string())));
    CHECK(QFile::exists(QString::fromStdString((exports / "onnx" / "compressed.onnx").string())));
    CHECK(exporter->fileCount() >= 11);  // 9 C files + 2 ONNX graphs
    CHECK(exporter->statusText().contains("C model data"));
    CHECK(window.pipelineBar()->state("Export") == StepState::Done);
    CHECK(window.nextStepText() == "Next: deploy and profile it on a board on Devices (Alt+9)");
    saveScreenshot(window, "export-iris");

    // A flash budget: the smallest encodings' size is accepted (each layer says why it got its encoding), less is
    // refused with the bytes needed.
    const std::string header = fx::readText(exports / "c" / "tf_model.h");
    const auto at = header.find("#define TF_MODEL_FLASH_BYTES ");
    REQUIRE(at != std::string::npos);
    const int smallest = std::stoi(header.substr(at + 29));
    fx::TempDir budgeted;
    exporter->setFormats(true, false, false);
    exporter->setOutputFolder(QString::fromStdString(budgeted.path().string()));
    exporter->setFlashBudget(smallest);
    exporter->exportSelected();
    REQUIRE(exported.wait(120000));
    CHECK(exporter->statusText().contains("kernel"));
    CHECK(fx::readText(budgeted / "c" / "tf_model.h").find("#define TF_MODEL_FLASH_BYTES " + std::to_string(smallest)) != std::string::npos);
    QSignalSpy failed(exporter, &ExportPage::failed);
    exporter->setFlashBudget(smallest - 1);
    exporter->exportSelected();
    REQUIRE(failed.wait(120000));
    CHECK(failed.at(0).at(0).toString().contains("below"));
    int warnings = 0;  // the window tells the user too, without blocking: closed here
    for (QWidget* w : QApplication::topLevelWidgets()) {
        if (auto* box = qobject_cast<QMessageBox*>(w); box && box->isVisible() && box->text().contains("below")) {
            box->done(QMessageBox::Ok);
            ++warnings;
        }
    }
    CHECK(warnings == 1);
    CHECK(window.pipelineBar()->state("Export") == StepState::Attention);  // until an export succeeds again
    exporter->setFlashBudget(0);

    // Devices: the run's model against a board, then Flash & Profile on the emulated STM32F405.
    window.showPage("Devices");
    DevicesPage* devicesPage = window.devicesPage();
    devicesPage->setBoard("stm32f030cc");
    const int onSmallPart = devicesPage->flashFitPercent();
    CHECK(devicesPage->backend() == "qemu");  // every STM32 has a QEMU machine: the F030 a Cortex-M0 stand-in
    devicesPage->setBoard("stm32f405");
    CHECK(devicesPage->backend() == "qemu");  // the user chose nothing else: back to the emulator
    CHECK(devicesPage->flashFitPercent() <= onSmallPart);  // 1 MiB of flash against 256 KiB
    QSignalSpy profiled(devicesPage, &DevicesPage::profiled);
    devicesPage->flashAndProfile();
    REQUIRE(profiled.wait(120000));
    CHECK(devicesPage->resultRows() == 1);
    // An emulator counts instructions: the milliseconds are an estimate at the board's clock, with the assumption.
    CHECK(devicesPage->resultToolTip(0, 3).startsWith("at 168 MHz\nestimate:"));
    CHECK(devicesPage->resultToolTip(0, 3).contains("energy"));
    // The chosen entry's ops as bars, the device's instructions beside the host's MACs and bytes.
    const LayerProfileView* layers = devicesPage->layerView();
    const auto summaryJson = nlohmann::json::parse(fx::readText(std::filesystem::path(runDir.toStdString()) / "summary.json"));
    const auto& deviceLayers = summaryJson["devices"][0]["layers"];
    REQUIRE(layers->opCount() == static_cast<int>(deviceLayers.size()));
    CHECK(layers->opCount() >= 2);
    CHECK(layers->deviceBar(0) == deviceLayers[0]["count"].get<double>());
    CHECK(layers->caption().contains("instructions"));
    CHECK(devicesPage->flashPercent() == 100);  // the GDB load's progress reached the end
    CHECK(window.pipelineBar()->state("Devices") == StepState::Done);
    saveScreenshot(window, "devices-iris");

    // Find drift: every op of a faithful firmware matches the reference, and the page says so.
    QSignalSpy drifted(devicesPage, &DevicesPage::driftShown);
    devicesPage->findDrift();
    REQUIRE(drifted.wait(120000));
    CHECK(devicesPage->driftView()->opRows() == layers->opCount());
    CHECK(devicesPage->driftView()->valueRows() == 0);
    CHECK(devicesPage->driftView()->verdict().contains("every op's output equals the integer reference"));

    // Cancel before flashing: the deploy stops at the first flash block and the recorded results stay.
    const auto readSummary = [&] {
        QFile file(runDir + "/summary.json");
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    };
    const QByteArray summaryBefore = readSummary();
    QSignalSpy cancelled(devicesPage, &DevicesPage::cancelled);
    devicesPage->flashAndProfile();
    CHECK(devicesPage->busy());
    devicesPage->cancel();
    REQUIRE(cancelled.wait(120000));
    CHECK_FALSE(devicesPage->busy());
    CHECK(devicesPage->resultRows() == 1);
    CHECK(readSummary() == summaryBefore);

    // Connected devices: once the USB watcher has reported, a scan with a bootloader and a probe is listed, and
    // picking one sets the backend and the device deploy will use.
    QTRY_VERIFY_WITH_TIMEOUT(!devicesPage->probeStatus().isEmpty(), 10000);
    tinyforge::devices::ProbeScan scan;
    scan.probes.push_back({{1, 5, 0x0483, 0xdf11}, tinyforge::devices::ProbeKind::dfuBootloader, "STM32 system bootloader (DFU)", "3574364C3034"});
    scan.probes.push_back({{1, 7, 0x0483, 0x374b}, tinyforge::devices::ProbeKind::stlink, "ST-Link/V2-1", "066DFF485550"});
    devicesPage->showProbes(scan);
    CHECK(devicesPage->probeRows() == 2);
    devicesPage->selectProbe(1);
    CHECK(devicesPage->backend() == "stlink");
    CHECK(devicesPage->deviceArgument() == "066DFF485550");
    devicesPage->selectProbe(0);
    CHECK(devicesPage->backend() == "dfu");
    CHECK(devicesPage->deviceArgument() == "1:5");
    devicesPage->showProbes({});
    CHECK(devicesPage->probeRows() == 0);
    CHECK(devicesPage->probeStatus().contains("No ST-Link"));
}

TEST_CASE("Cancel stops a run within a second and keeps the window usable", "[ui][workflow]") {
    IsolatedSettings settings;
    fx::TempDir runs;
    MainWindow window;
    window.document()->setValue("train.epochs", 100000);  // far longer than the test
    RunPage* run = window.runPage();
    run->setRunsFolder(QString::fromStdString(runs.path().string()));
    QSignalSpy epochs(run->worker(), &RunWorker::epoch);
    QSignalSpy cancelled(run->worker(), &RunWorker::cancelled);
    run->start();
    REQUIRE(epochs.wait(30000));
    run->togglePause();  // paused: held between batches
    QTest::qWait(300);
    const int epochsWhilePaused = epochs.count();
    QTest::qWait(300);
    CHECK(epochs.count() == epochsWhilePaused);
    run->togglePause();
    REQUIRE(epochs.wait(10000));  // resumed
    QElapsedTimer clock;
    clock.start();
    run->cancel();
    REQUIRE(cancelled.wait(5000));
    CHECK(clock.elapsed() < 1000);
    CHECK_FALSE(run->isRunning());
}

TEST_CASE("A recipe with repeats runs each seed in turn and the Run page shows mean +- std over them", "[ui][workflow][seeds]") {
    IsolatedSettings settings;
    fx::TempDir runs;
    MainWindow window;
    shorten(*window.document());
    window.document()->remove("quantize");  // the repeats, not compression, are under test
    window.document()->remove("cluster");
    window.document()->remove("prune");
    window.document()->remove("export");
    window.document()->setValue("seed", 7);
    window.document()->setValue("seeds", 2);
    RunPage* run = window.runPage();
    run->setRunsFolder(QString::fromStdString(runs.path().string()));
    QSignalSpy finished(run, &RunPage::runFinished);
    run->start();
    REQUIRE(finished.wait(300000));
    INFO(run->logText().toStdString());
    const std::filesystem::path dir = finished.at(0).at(0).toString().toStdString();
    REQUIRE(std::filesystem::exists(dir / "aggregate.json"));
    const auto first = tinyforge::core::results::readSummary(dir / "seed-7");
    const auto second = tinyforge::core::results::readSummary(dir / "seed-8");
    CHECK(first.seed == 7);
    CHECK(second.seed == 8);
    CHECK(tinyforge::core::results::readAggregate(dir).seeds == std::vector<std::uint64_t>{7, 8});
    CHECK(run->logText().contains("== seed (8 (2 of 2))"));
    // The page's figure is the two seeds' mean with their sample standard deviation.
    const double a = first.teacher->test_accuracy, b = second.teacher->test_accuracy;
    const QString expected = QStringLiteral("teacher\t%1 \u00b1 %2").arg((a + b) / 2, 0, 'f', 4).arg(std::abs(a - b) / std::sqrt(2.0), 0, 'f', 4);
    CHECK(run->resultsText().contains(expected));
    CHECK(run->resultsText().contains("over 2 seeds"));
}

TEST_CASE("A saved project reopens identical, and a broken one is refused by name", "[ui][project]") {
    IsolatedSettings settings;
    fx::TempDir dir;
    const QString file = QString::fromStdString((dir / "iris.tfproj").string());
    nlohmann::json saved;
    {
        MainWindow window;
        window.document()->setValue("distill.temperature", 7.5);
        window.document()->setValue("cluster.clusters", 12);
        window.document()->remove("prune");
        REQUIRE(window.saveProject(file));
        CHECK_FALSE(window.document()->isModified());
        saved = window.document()->recipe();
    }
    MainWindow window;
    REQUIRE(window.openProject(file));
    CHECK(window.document()->recipe() == saved);
    CHECK_FALSE(window.tunePage()->pruneGroup()->isChecked());
    CHECK(window.tunePage()->temperatureBox()->value() == 7.5);
    CHECK(QSettings().value("projects/recent").toStringList().contains(file));

    // A file that is not a project, or whose recipe the engine refuses, leaves the open project as it was.
    RecipeDocument document;
    const auto before = document.recipe();
    fx::writeBytes(dir / "junk.tfproj", {'{', 'x'});
    CHECK_THROWS_WITH(document.open(QString::fromStdString((dir / "junk.tfproj").string())), Catch::Contains("junk.tfproj") && Catch::Contains("not valid JSON"));
    nlohmann::json bad{{"format", "tinyforge-project"}, {"recipe", saved}};
    bad["recipe"]["distill"]["temperature"] = -1;
    const std::string text = bad.dump();
    fx::writeBytes(dir / "bad.tfproj", fx::Bytes(text.begin(), text.end()));
    CHECK_THROWS_WITH(document.open(QString::fromStdString((dir / "bad.tfproj").string())), Catch::Contains("distill.temperature"));
    CHECK(document.recipe() == before);
    CHECK(document.file().isEmpty());
}

TEST_CASE("The Models page takes a student trained elsewhere as TorchScript", "[ui][models][python]") {
    IsolatedSettings settings;
    fx::TempDir dir;
    const auto file = dir / "student.pt";
    std::ofstream(dir / "trace.py") << "import sys, torch\n"
                                       "model = torch.nn.Sequential(torch.nn.Linear(4, 5), torch.nn.ReLU(), torch.nn.Linear(5, 3))\n"
                                       "torch.jit.trace(model, torch.zeros(1, 4)).save(sys.argv[1])\n";
    const auto traced = fx::runProcess({"/usr/bin/python3", (dir / "trace.py").string(), file.string()});
    INFO(traced.err);
    REQUIRE(traced.exitCode == 0);
    MainWindow window;
    QSignalSpy loaded(window.dataPage(), &DataPage::loaded);
    window.dataPage()->load(TINYFORGE_RESOURCE_DIR "/data/iris.csv");
    REQUIRE(loaded.wait(10000));
    window.document()->setValue("student", {{"torchscript", file.string()}});
    CHECK(window.modelsPage()->layerRows(true) == 1);  // its layers are opaque: the totals row alone
    CHECK(window.modelsPage()->fitText().startsWith("Fits"));  // 43 parameters
    window.document()->setValue("student", {{"torchscript", (dir / "missing.pt").string()}});
    CHECK(window.modelsPage()->layerRows(true) == 0);  // the error is shown under the table instead
}

TEST_CASE("Charts take their colours from the palette and follow a switch to dark", "[ui]") {
    MainWindow window;
    const QPalette light = QApplication::palette();
    QPalette dark = light;
    dark.setColor(QPalette::Window, QColor(0x20, 0x20, 0x20));
    dark.setColor(QPalette::Base, QColor(0x18, 0x18, 0x18));
    dark.setColor(QPalette::WindowText, QColor(0xee, 0xee, 0xee));
    dark.setColor(QPalette::Text, QColor(0xee, 0xee, 0xee));
    const auto plots = window.findChildren<QCustomPlot*>();
    REQUIRE(plots.size() >= 8);  // histogram, sparsity curve, four run charts, two compare charts
    for (auto* plot : plots) CHECK(plot->xAxis->tickLabelColor() == light.color(QPalette::WindowText));
    QApplication::setPalette(dark);
    QCoreApplication::processEvents();
    for (auto* plot : plots) {
        CHECK(plot->xAxis->tickLabelColor() == QColor(0xee, 0xee, 0xee));
        CHECK(plot->legend->brush().color() == QColor(0x18, 0x18, 0x18));
    }
    QApplication::setPalette(light);
}
