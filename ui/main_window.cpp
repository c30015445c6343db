#include "ui/main_window.h"

#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QMimeData>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>

#include <algorithm>

#include "core/error.h"
#include "core/recipe/recipe.h"
#include "ui/compare/compare_page.h"
#include "ui/weights/weights_page.h"
#include "ui/data/data_page.h"
#include "ui/devices/devices_page.h"
#include "ui/export/export_page.h"
#include "ui/models/models_page.h"
#include "ui/open_target.h"
#include "ui/pipeline_bar.h"
#include "ui/project/recipe_document.h"
#include "ui/report/report_dialog.h"
#include "ui/run/results_card.h"
#include "ui/run/run_page.h"
#include "ui/studio_application.h"
#include "ui/theme.h"
#include "ui/run/run_worker.h"
#include "ui/sweep/sweep_page.h"
#include "ui/tune/tune_page.h"

namespace tinyforge::ui {

namespace {
const QString kProjectFilter = QObject::tr("TinyForge projects (*.tfproj)");
constexpr int kMaxRecent = 8;
}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent), m_document(new RecipeDocument(this)) {
    m_pageList = new PipelineBar;
    m_pageList->setFixedWidth(150);
    m_pages = new QStackedWidget;
    auto* central = new QWidget;
    auto* row = new QHBoxLayout(central);
    row->addWidget(m_pageList);
    row->addWidget(m_pages, 1);
    setCentralWidget(central);
    setAcceptDrops(true);
    connect(m_pageList, &QListWidget::currentRowChanged, m_pages, &QStackedWidget::setCurrentIndex);
    // What escaped a slot is shown, not fatal: the project and the runs stay as they were.
    if (auto* studio = qobject_cast<StudioApplication*>(QCoreApplication::instance())) {
        connect(studio, &StudioApplication::uncaughtError, this, [this](const QString& message) {
            statusBar()->showMessage(tr("Error: %1").arg(message), 10000);
            warnLater(tr("TinyForge Studio"), message);
        });
    }

    m_dataPage = new DataPage;
    m_modelsPage = new ModelsPage(m_document);
    m_tunePage = new TunePage(m_document);
    m_runPage = new RunPage(m_document);
    m_sweepPage = new SweepPage(m_document);
    m_comparePage = new ComparePage;
    m_weightsPage = new WeightsPage;
    m_exportPage = new ExportPage;
    m_devicesPage = new DevicesPage;
    // In pipelinePages() order: the Alt+number shortcuts and the next-step hints count on it.
    const QList<QWidget*> pages{m_dataPage, m_modelsPage, m_tunePage, m_runPage, m_sweepPage, m_comparePage, m_weightsPage, m_exportPage, m_devicesPage};
    for (int i = 0; i < pages.size(); ++i) addPage(pipelinePages().at(i), pages[i]);
    m_pageList->setCurrentRow(0);
    m_nextStep = new QLabel;
    m_nextStep->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);  // a long hint never widens the window
    statusBar()->addWidget(m_nextStep, 1);

    // The engine's errors are shown to the user; what they have loaded stays as it was.
    connect(m_dataPage, &DataPage::loadFailed, this, [this](const QString& message) {
        warnLater(tr("Cannot load dataset"), message);
    });
    connect(m_dataPage, &DataPage::loaded, this, [this](auto dataset) {
        m_modelsPage->setDataset(dataset);
        // The project trains on what the Data page shows.
        const auto path = std::filesystem::weakly_canonical(dataset->source).string();
        if (m_document->value("dataset.path", "") != path) m_document->setValue("dataset.path", path);
    });
    connect(m_modelsPage, &ModelsPage::studentLayersChanged, m_tunePage, &TunePage::setLayers);
    connect(m_runPage, &RunPage::runFinished, m_comparePage, &ComparePage::addRun);
    connect(m_runPage, &RunPage::runFinished, m_weightsPage, &WeightsPage::addRun);
    connect(m_runPage, &RunPage::runFinished, m_exportPage, &ExportPage::addRun);
    connect(m_runPage, &RunPage::runFinished, m_devicesPage, &DevicesPage::addRun);
    // A point of a sweep is a run like any other: opened in Compare beside the others.
    connect(m_sweepPage, &SweepPage::openRun, this, &MainWindow::openRun);
    // The results cards hand their run on: to Export, to Devices, or to its report.
    for (ResultsCard* card : {m_runPage->resultsCard(), m_comparePage->resultsCard()}) {
        connect(card, &ResultsCard::exportRequested, this, [this](const QString& dir) {
            m_exportPage->addRun(dir);
            showPage(tr("Export"));
        });
        connect(card, &ResultsCard::deployRequested, this, [this](const QString& dir) {
            m_devicesPage->addRun(dir);
            showPage(tr("Devices"));
        });
        connect(card, &ResultsCard::reportRequested, this, [this](const QString& dir) {
            auto* dialog = new ReportDialog({dir}, this);
            dialog->setAttribute(Qt::WA_DeleteOnClose);
            dialog->open();
        });
    }
    connect(m_sweepPage, &SweepPage::failed, this, [this](const QString& message) {
        warnLater(tr("Cannot run the sweep"), message);
    });
    connect(m_devicesPage, &DevicesPage::failed, this, [this](const QString& message) {
        warnLater(tr("Cannot profile on the device"), message);
    });
    connect(m_runPage, &RunPage::runFailed, this, [this](const QString& message) {
        warnLater(tr("The run stopped"), message);
    });
    connect(m_exportPage, &ExportPage::failed, this, [this](const QString& message) {
        warnLater(tr("Cannot export"), message);
    });
    connect(m_document, &RecipeDocument::modifiedChanged, this, &MainWindow::updateTitle);

    // What the pipeline bar and the next-step hint are worked out from. A failure is kept (and shown as the page's
    // "needs attention") until the same step succeeds or starts again.
    const auto keepFailure = [this](QString PipelineFacts::*field) {
        return [this, field](const QString& message) {
            m_facts.*field = message;
            refreshPipeline();
        };
    };
    const auto clearFailure = [this](QString PipelineFacts::*field) {
        return [this, field] {
            (m_facts.*field).clear();
            refreshPipeline();
        };
    };
    connect(m_dataPage, &DataPage::loaded, this, [this] {
        m_facts.datasetLoaded = true;
        m_facts.datasetError.clear();
        refreshPipeline();
    });
    connect(m_dataPage, &DataPage::loadFailed, this, [this](const QString& message) {
        if (!m_facts.datasetLoaded) m_facts.datasetError = message;  // a loaded dataset is still there
        refreshPipeline();
    });
    connect(m_modelsPage, &ModelsPage::fitChanged, this, &MainWindow::refreshPipeline);
    connect(m_document, &RecipeDocument::changed, this, &MainWindow::refreshPipeline);
    connect(m_runPage->worker(), &RunWorker::stageStarted, this, [this] {
        if (m_facts.running) return;  // the run's first stage: later ones change nothing the bar shows
        m_facts.runError.clear();
        refreshPipeline();
    });
    connect(m_runPage, &RunPage::runFinished, this, &MainWindow::refreshPipeline);
    connect(m_runPage->worker(), &RunWorker::cancelled, this, &MainWindow::refreshPipeline);
    connect(m_runPage, &RunPage::runFailed, this, keepFailure(&PipelineFacts::runError));
    connect(m_sweepPage, &SweepPage::started, this, clearFailure(&PipelineFacts::sweepError));
    connect(m_sweepPage, &SweepPage::sweepFinished, this, [this](const QString&, int exitCode) {
        m_facts.swept = exitCode == 0;
        if (exitCode != 0) m_facts.sweepError = tr("The last sweep ended with exit code %1").arg(exitCode);
        refreshPipeline();
    });
    connect(m_sweepPage, &SweepPage::failed, this, keepFailure(&PipelineFacts::sweepError));
    connect(m_exportPage, &ExportPage::exported, this, [this, clearFailure] {
        m_facts.exported = true;
        clearFailure(&PipelineFacts::exportError)();
    });
    connect(m_exportPage, &ExportPage::failed, this, keepFailure(&PipelineFacts::exportError));
    connect(m_devicesPage, &DevicesPage::profiled, this, [this, clearFailure] {
        m_facts.profiled = true;
        clearFailure(&PipelineFacts::deviceError)();
    });
    connect(m_devicesPage, &DevicesPage::failed, this, keepFailure(&PipelineFacts::deviceError));

    buildMenus();
    updateTitle();
    refreshPipeline();
    QSettings settings;
    if (!restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray())) resize(1200, 800);
}

// A failure reported by a worker: shown in a message box that does not block the event loop (the window keeps
// painting and the other pages keep working behind it).
void MainWindow::warnLater(const QString& title, const QString& message) {
    auto* box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void MainWindow::buildMenus() {
    auto* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&New Project"), QKeySequence::New, this, &MainWindow::newProject);
    file->addAction(tr("&Open Project..."), QKeySequence::Open, this, &MainWindow::chooseAndOpen);
    m_recent = file->addMenu(tr("Open &Recent"));
    connect(m_recent, &QMenu::aboutToShow, this, &MainWindow::fillRecentMenu);
    file->addAction(tr("&Save"), QKeySequence::Save, this, &MainWindow::save);
    file->addAction(tr("Save &As..."), QKeySequence::SaveAs, this, &MainWindow::saveAs);
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
    auto* run = menuBar()->addMenu(tr("&Run"));
    run->addAction(tr("&Start"), QKeySequence(Qt::CTRL | Qt::Key_R), this, [this] {
        showPage(tr("Run"));
        m_runPage->start();
    });
    run->addAction(tr("&Pause / Resume"), QKeySequence(Qt::CTRL | Qt::Key_P), m_runPage, &RunPage::togglePause);
    run->addAction(tr("&Cancel"), QKeySequence(Qt::CTRL | Qt::Key_Period), m_runPage, &RunPage::cancel);
    // Alt+1 ... Alt+9 show the pipeline's pages; the menu lists them with their keys.
    auto* go = menuBar()->addMenu(tr("&Go"));
    for (int i = 0; i < m_pageList->count(); ++i) {
        go->addAction(m_pageList->item(i)->text(), QKeySequence(Qt::ALT | static_cast<Qt::Key>(Qt::Key_1 + i)), this, [this, i] { m_pageList->setCurrentRow(i); });
    }
    // Light, dark, or the system's palette; remembered for the next start.
    auto* view = menuBar()->addMenu(tr("&View"));
    auto* themes = new QActionGroup(this);
    for (const Theme theme : {Theme::System, Theme::Light, Theme::Dark}) {
        const QString label = theme == Theme::System ? tr("&System Theme") : theme == Theme::Light ? tr("&Light Theme") : tr("&Dark Theme");
        QAction* action = view->addAction(label, this, [theme] {
            applyTheme(theme);
            saveTheme(theme);
        });
        action->setCheckable(true);
        action->setChecked(currentTheme() == theme);
        themes->addAction(action);
    }
    auto* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About TinyForge Studio"), this, &MainWindow::showAbout);
}

void MainWindow::addPage(const QString& title, QWidget* page) {
    m_pageList->addStep(title);
    m_pages->addWidget(page);
}

void MainWindow::refreshPipeline() {
    m_facts.running = m_runPage->isRunning();
    m_facts.sweeping = m_sweepPage->isRunning();
    m_facts.runs = m_comparePage->runCount();
    const QString fit = m_modelsPage->fitText();
    m_facts.fitProblem = fit.startsWith(tr("Will not fit")) ? fit : QString();
    try {  // the engine's own check, so the hint names what a run would refuse
        core::recipe::parseRecipe(m_document->recipe(), "project", std::filesystem::temp_directory_path());
        m_facts.recipeError.clear();
    } catch (const std::exception& e) {
        m_facts.recipeError = QString::fromStdString(e.what());
    }
    m_pageList->setSteps(pipelineSteps(m_facts));
    m_nextStep->setText(nextStep(m_facts));
    m_nextStep->setToolTip(m_nextStep->text());
}

QString MainWindow::nextStepText() const { return m_nextStep->text(); }

QString MainWindow::currentPage() const { return m_pageList->currentItem() ? m_pageList->currentItem()->text() : QString(); }

void MainWindow::showPage(const QString& title) {
    const auto items = m_pageList->findItems(title, Qt::MatchExactly);
    if (!items.isEmpty()) m_pageList->setCurrentItem(items.first());
}

void MainWindow::newProject() {
    if (!confirmDiscard()) return;
    m_document->reset(RecipeDocument::bundledIrisRecipe());
    updateTitle();
}

void MainWindow::chooseAndOpen() {
    if (!confirmDiscard()) return;
    const QString file = QFileDialog::getOpenFileName(this, tr("Open project"), QString(), kProjectFilter);
    if (!file.isEmpty()) openProject(file);
}

bool MainWindow::openProject(const QString& file) {
    try {
        const auto ui = m_document->open(file);
        if (ui.contains("page") && ui["page"].is_number_integer()) m_pageList->setCurrentRow(ui["page"].get<int>());
        if (ui.contains("dataset") && ui["dataset"].is_string()) m_dataPage->load(QString::fromStdString(ui["dataset"].get<std::string>()));
        rememberRecent(file);
        updateTitle();
        return true;
    } catch (const std::exception& e) {  // names the file and the field; the open project stays as it was
        QMessageBox::warning(this, tr("Cannot open project"), QString::fromStdString(e.what()));
        return false;
    }
}

void MainWindow::openRun(const QString& dir) {
    m_comparePage->addRun(dir);
    m_weightsPage->addRun(dir);
    m_exportPage->addRun(dir);
    m_devicesPage->addRun(dir);
    refreshPipeline();
    showPage(tr("Compare"));
}

bool MainWindow::openPath(const QString& path) {
    OpenTarget target;
    try {
        target = classifyOpenTarget(path.toStdString());
    } catch (const std::exception& e) {
        const QString message = tr("Cannot open %1").arg(QString::fromStdString(e.what()));
        statusBar()->showMessage(message, 10000);
        auto* box = new QMessageBox(QMessageBox::Warning, tr("TinyForge Studio"), message, QMessageBox::Ok, this);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
        return false;
    }
    switch (target) {
        case OpenTarget::Project: return confirmDiscard() && openProject(path);
        case OpenTarget::Run: openRun(path); return true;
        case OpenTarget::Sweep:
            m_sweepPage->showFolder(path);
            showPage(tr("Sweep"));
            return true;
        case OpenTarget::Dataset:
            m_dataPage->load(path);
            showPage(tr("Data"));
            return true;
    }
    return false;
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    const auto urls = event->mimeData()->urls();
    if (!urls.isEmpty() && std::all_of(urls.begin(), urls.end(), [](const QUrl& url) { return url.isLocalFile(); })) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
    for (const QUrl& url : event->mimeData()->urls()) openPath(url.toLocalFile());
    event->acceptProposedAction();
}

bool MainWindow::saveProject(const QString& file) {
    try {
        nlohmann::json ui{{"page", m_pageList->currentRow()}};
        if (m_dataPage->dataset()) ui["dataset"] = m_dataPage->dataset()->source;
        m_document->save(file, ui);
        rememberRecent(file);
        updateTitle();
        statusBar()->showMessage(tr("Saved %1").arg(file), 4000);
        return true;
    } catch (const Error& e) {
        QMessageBox::warning(this, tr("Cannot save project"), QString::fromStdString(e.what()));
        return false;
    }
}

bool MainWindow::save() { return m_document->file().isEmpty() ? saveAs() : saveProject(m_document->file()); }

bool MainWindow::saveAs() {
    QString file = QFileDialog::getSaveFileName(this, tr("Save project"), m_document->file(), kProjectFilter);
    if (file.isEmpty()) return false;
    if (!file.endsWith(QStringLiteral(".tfproj"))) file += QStringLiteral(".tfproj");
    return saveProject(file);
}

bool MainWindow::confirmDiscard() {
    if (!m_document->isModified()) return true;
    const auto answer = QMessageBox::question(this, tr("Unsaved changes"), tr("The project has unsaved changes. Save them?"),
                                              QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
    if (answer == QMessageBox::Save) return save();
    return answer == QMessageBox::Discard;
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (!confirmDiscard()) {
        event->ignore();
        return;
    }
    if (m_runPage->isRunning()) m_runPage->cancel();  // finished epochs are checkpointed
    QSettings().setValue(QStringLiteral("window/geometry"), saveGeometry());
    event->accept();
}

void MainWindow::rememberRecent(const QString& file) {
    QSettings settings;
    QStringList recent = settings.value(QStringLiteral("projects/recent")).toStringList();
    const QString path = QFileInfo(file).absoluteFilePath();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > kMaxRecent) recent.removeLast();
    settings.setValue(QStringLiteral("projects/recent"), recent);
}

void MainWindow::fillRecentMenu() {
    m_recent->clear();
    const QStringList recent = QSettings().value(QStringLiteral("projects/recent")).toStringList();
    for (const QString& file : recent) {
        m_recent->addAction(QFileInfo(file).fileName(), this, [this, file] {
            if (confirmDiscard()) openProject(file);
        })->setToolTip(file);
    }
    m_recent->setEnabled(!recent.isEmpty());
}

void MainWindow::updateTitle() {
    const QString name = m_document->file().isEmpty() ? tr("Untitled") : QFileInfo(m_document->file()).fileName();
    setWindowTitle(tr("%1[*] - TinyForge Studio").arg(name));
    setWindowModified(m_document->isModified());
}

void MainWindow::showAbout() {
    QMessageBox::about(this, tr("About TinyForge Studio"),
                       tr("TinyForge Studio %1\nDistil, compress, export and deploy neural networks to "
                          "microcontrollers and Linux boards, offline.")
                           .arg(QApplication::applicationVersion()));
}

}  // namespace tinyforge::ui
