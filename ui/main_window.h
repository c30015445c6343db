#pragma once
// The studio's window: a page per workflow in a side list, each page its own controller, all editing one project
// (the recipe document). File menu: new, open, save, save as, recent projects; a prompt for unsaved changes.

#include <QMainWindow>

#include "ui/pipeline_state.h"

class QLabel;
class QMenu;
class QStackedWidget;

namespace tinyforge::ui {

class ComparePage;
class WeightsPage;
class DataPage;
class DevicesPage;
class ExportPage;
class ModelsPage;
class PipelineBar;
class RecipeDocument;
class RunPage;
class SweepPage;
class TunePage;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);

    DataPage* dataPage() const { return m_dataPage; }
    ModelsPage* modelsPage() const { return m_modelsPage; }
    TunePage* tunePage() const { return m_tunePage; }
    RunPage* runPage() const { return m_runPage; }
    SweepPage* sweepPage() const { return m_sweepPage; }
    ComparePage* comparePage() const { return m_comparePage; }
    WeightsPage* weightsPage() const { return m_weightsPage; }
    ExportPage* exportPage() const { return m_exportPage; }
    DevicesPage* devicesPage() const { return m_devicesPage; }
    RecipeDocument* document() const { return m_document; }
    /// Shows the page with this title ("Data", "Models", "Tune", "Run", "Compare", "Export", "Devices").
    void showPage(const QString& title);
    QString currentPage() const;
    /// The pages as pipeline steps, with their states.
    PipelineBar* pipelineBar() const { return m_pageList; }
    /// What the status bar says to do next.
    QString nextStepText() const;

    /// Opens a project file; a dialog names the problem when it cannot be read (the open project stays).
    bool openProject(const QString& file);
    /// Saves to `file`; a dialog names the problem when it cannot be written.
    bool saveProject(const QString& file);
    /// Opens what `path` holds where it belongs (see OpenTarget): a project, a run folder (Compare), a sweep folder
    /// (Sweep) or a dataset (Data). A path with nothing there is named in a message that does not block the window.
    bool openPath(const QString& path);
    /// Adds a run folder to Compare, Export and Devices and shows Compare.
    void openRun(const QString& dir);

protected:
    void closeEvent(QCloseEvent* event) override;
    /// Files and folders dropped on the window open as openPath does.
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void addPage(const QString& title, QWidget* page);
    /// Works out each page's state and the next step from what the window knows, and shows them.
    void refreshPipeline();
    void buildMenus();
    void warnLater(const QString& title, const QString& message);
    void newProject();
    void chooseAndOpen();
    bool save();
    bool saveAs();
    bool confirmDiscard();
    void rememberRecent(const QString& file);
    void fillRecentMenu();
    void updateTitle();
    void showAbout();

    RecipeDocument* m_document = nullptr;
    PipelineBar* m_pageList = nullptr;
    QLabel* m_nextStep = nullptr;
    PipelineFacts m_facts;
    QStackedWidget* m_pages = nullptr;
    DataPage* m_dataPage = nullptr;
    ModelsPage* m_modelsPage = nullptr;
    TunePage* m_tunePage = nullptr;
    RunPage* m_runPage = nullptr;
    SweepPage* m_sweepPage = nullptr;
    WeightsPage* m_weightsPage = nullptr;
    ComparePage* m_comparePage = nullptr;
    ExportPage* m_exportPage = nullptr;
    DevicesPage* m_devicesPage = nullptr;
    QMenu* m_recent = nullptr;
};

}  // namespace tinyforge::ui
