#pragma once
// The Models page: teacher and student from the architecture registry (or a TorchScript file named in the recipe),
// each with its layer table (type, output shape, parameters, MACs, bytes) and totals, and whether the student will
// fit the chosen board's flash and RAM.

#include <QWidget>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/data/dataset.h"

class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QTabWidget;
class QTableWidget;
class QToolButton;

namespace tinyforge::ui {

class BoardPicker;
class FieldEditor;
class ModelGraphView;
class RecipeDocument;

class ModelsPage : public QWidget {
    Q_OBJECT
public:
    ModelsPage(RecipeDocument* document, QWidget* parent = nullptr);

    /// The dataset the models are built for (input shape, class count); tables stay empty without one.
    void setDataset(std::shared_ptr<const core::data::Dataset> dataset);
    /// Rows of a layer table, the totals row included (for tests).
    int layerRows(bool student) const;
    /// The fit line under the board picker ("fits", or what does not fit).
    QString fitText() const;
    /// The line of totals under a model's layer table.
    QString totalsText(bool student) const;
    /// Shows the layers as graphs (true) or tables, for both models at once.
    void showGraphs(bool graphs);
    const ModelGraphView* graphView(bool student) const;
    /// Chooses the board the fit is checked against, by id (resources/boards/<id>.json).
    void setBoard(const QString& id);
    /// The form's editor of an architecture option ("hidden", "channels", ...), or null when the role's architecture
    /// takes no such option (for tests).
    FieldEditor* optionEditor(bool student, const QString& option) const;
    /// The options as JSON, as the JSON view shows them; setOptionsJson types it there (for tests).
    QString optionsJson(bool student) const;
    void setOptionsJson(bool student, const QString& json);

signals:
    /// The student's weighted layers (convolutions and dense layers), whenever its table is rebuilt.
    void studentLayersChanged(QStringList names);
    /// The fit line changed ("Fits: ...", "Will not fit (flash): ...", or empty while unknown).
    void fitChanged(QString fit);

private:
    struct Editor {
        QString role;  ///< "teacher" or "student": the recipe section it edits
        QComboBox* arch = nullptr;
        QFormLayout* optionForm = nullptr;     ///< one FieldEditor per option the architecture takes
        std::vector<FieldEditor*> optionEditors;
        QToolButton* jsonToggle = nullptr;     ///< shows the options as JSON as well
        QLineEdit* options = nullptr;          ///< the options as JSON, in sync with the form
        std::set<std::string> setKeys;         ///< options the recipe gives (the others take the architecture's defaults)
        QTableWidget* layers = nullptr;
        ModelGraphView* graph = nullptr;
        QTabWidget* views = nullptr;  ///< the table and the graph
        QLabel* totals = nullptr;
        QString torchscript;  ///< the imported model's file, when the role uses one
    };
    QWidget* buildEditor(Editor& editor, const QString& title);
    void loadFromDocument();
    void storeArchitecture(Editor& editor);
    void rebuildOptionForm(Editor& editor);
    void showOptions(Editor& editor, const nlohmann::json& options);
    void storeFromForm(Editor& editor);
    void refreshTables();
    void showLayers(Editor& editor, std::int64_t& studentBytes, std::int64_t& studentActivationBytes);
    void updateFit();

    RecipeDocument* m_document;
    std::shared_ptr<const core::data::Dataset> m_dataset;
    Editor m_teacher, m_student;
    BoardPicker* m_board = nullptr;
    QLabel* m_fit = nullptr;
    bool m_loading = false;
    std::int64_t m_studentFlashBytes = 0, m_studentRamBytes = 0;  ///< as the student's table last counted them
};

}  // namespace tinyforge::ui
