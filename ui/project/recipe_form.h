#pragma once
// Every recipe section the other pages do not own, as forms generated from the recipe's field table: one tab per
// section (the run, dataset, training, distillation, baselines, channel pruning, pruning, clustering, quantization,
// export), one FieldEditor per field with its doc beside it. The whole recipe as JSON is one click away, editable,
// and both views follow the document. The models' options are on the Models page; per-layer values and each
// phase's own fine-tuning settings are edited in the JSON.

#include <QWidget>

#include <map>
#include <string>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTabWidget;

namespace tinyforge::ui {

class FieldEditor;
class RecipeDocument;

class RecipeForm : public QWidget {
    Q_OBJECT
public:
    explicit RecipeForm(RecipeDocument* document, QWidget* parent = nullptr);

    /// The editor of a dotted recipe path ("train.epochs", "export.formats", "seed"); nullptr when the form has none.
    FieldEditor* editor(const std::string& path) const;
    /// Whether the editor of `path` is marked: the recipe holds a value it cannot show (out of its range, wrong type).
    bool marked(const std::string& path) const;
    /// The section tabs' titles, in order.
    QStringList sectionTitles() const;

    /// The JSON view: shown or not, its text, and applying it (false, with the reason shown, when it is not a JSON
    /// object; the recipe is then unchanged).
    void setJsonShown(bool shown);
    QString jsonText() const;
    void setJsonText(const QString& text);
    bool applyJson();
    QString jsonError() const;

private:
    void load();
    void store(const std::string& path, FieldEditor* editor);

    RecipeDocument* m_document;
    QTabWidget* m_sections;
    std::map<std::string, FieldEditor*> m_editors;
    QWidget* m_jsonPane;
    QPlainTextEdit* m_json;
    QLabel* m_jsonError;
    QPushButton* m_jsonToggle;
    bool m_loading = false;
};

}  // namespace tinyforge::ui
