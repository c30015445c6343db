#include "ui/project/recipe_form.h"

#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QTabWidget>
#include <QVBoxLayout>

#include <cmath>

#include "core/recipe/recipe_schema.h"
#include "ui/project/field_editor.h"
#include "ui/project/recipe_document.h"

namespace tinyforge::ui {

namespace {

using core::recipe::FieldKind;

// The sections this form edits, with the titles their tabs take; the models' sections belong to the Models page.
const std::vector<std::pair<std::string, QString>>& formSections() {
    static const std::vector<std::pair<std::string, QString>> sections{
        {"", QObject::tr("Run")},
        {"dataset", QObject::tr("Dataset")},
        {"train", QObject::tr("Training")},
        {"distill", QObject::tr("Distillation")},
        {"baseline", QObject::tr("Baselines")},
        {"prune_channels", QObject::tr("Channel pruning")},
        {"prune", QObject::tr("Pruning")},
        {"cluster", QObject::tr("Clustering")},
        {"quantize", QObject::tr("Quantization")},
        {"export", QObject::tr("Export")},
    };
    return sections;
}

// Whether what the editor shows is what the recipe holds (numbers to rounding).
bool sameValue(const nlohmann::json& shown, const nlohmann::json& held) {
    if (shown.is_number() && held.is_number()) {
        const double a = shown.get<double>(), b = held.get<double>();
        return std::abs(a - b) <= 1e-9 * std::max(1.0, std::abs(b));
    }
    return shown == held;
}

}  // namespace

RecipeForm::RecipeForm(RecipeDocument* document, QWidget* parent) : QWidget(parent), m_document(document) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* header = new QHBoxLayout;
    auto* intro = new QLabel(tr("Every setting of the recipe, from its field table: hover a field for its range, unit and formula."));
    intro->setWordWrap(true);
    m_jsonToggle = new QPushButton(tr("JSON"));
    m_jsonToggle->setCheckable(true);
    m_jsonToggle->setToolTip(tr("The whole recipe as JSON beside the form, editable; the form follows"));
    header->addWidget(intro, 1);
    header->addWidget(m_jsonToggle);
    layout->addLayout(header);

    m_sections = new QTabWidget;
    m_sections->setDocumentMode(true);
    for (const auto& [name, title] : formSections()) {
        const auto& section = core::recipe::recipeSection(name);
        auto* page = new QWidget;
        auto* form = new QFormLayout(page);
        form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
        auto* doc = new QLabel(QString::fromStdString(section.doc));
        doc->setWordWrap(true);
        form->addRow(doc);
        QStringList inJson;
        for (const auto& field : section.fields) {
            const std::string path = name.empty() ? field.key : name + "." + field.key;
            // The run's sections are the other tabs (and the Models page); a phase's own training settings and
            // per-layer values are edited in the JSON view.
            if (field.kind == FieldKind::Section) {
                if (!name.empty()) inJson << tr("%1 (this phase's own training settings)").arg(QString::fromStdString(field.key));
                continue;
            }
            if (field.kind == FieldKind::NumberMap) {
                inJson << tr("%1 (a value per layer)").arg(QString::fromStdString(field.key));
                continue;
            }
            auto* editor = new FieldEditor(field, false, nullptr, true);
            editor->setMinimumWidth(180);
            editor->setMaximumWidth(360);
            auto* row = new QWidget;
            auto* rowLayout = new QHBoxLayout(row);
            rowLayout->setContentsMargins(0, 0, 0, 0);
            rowLayout->addWidget(editor);
            auto* note = new QLabel(QString::fromStdString(field.doc));
            note->setWordWrap(true);
            note->setEnabled(false);  // the doc in the palette's quieter colour
            rowLayout->addWidget(note, 1);
            form->addRow(QString::fromStdString(field.key), row);
            m_editors[path] = editor;
            connect(editor, &FieldEditor::edited, this, [this, path, editor] { store(path, editor); });
        }
        if (!inJson.isEmpty()) {
            auto* note = new QLabel(tr("In the JSON view: %1.").arg(inJson.join(QStringLiteral(", "))));
            note->setWordWrap(true);
            note->setEnabled(false);
            form->addRow(note);
        }
        auto* scroll = new QScrollArea;
        scroll->setWidget(page);
        scroll->setWidgetResizable(true);
        scroll->setFrameShape(QFrame::NoFrame);
        m_sections->addTab(scroll, title);
    }

    m_jsonPane = new QWidget;
    auto* jsonLayout = new QVBoxLayout(m_jsonPane);
    jsonLayout->setContentsMargins(0, 0, 0, 0);
    m_json = new QPlainTextEdit;
    m_json->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_json->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_jsonError = new QLabel;
    m_jsonError->setWordWrap(true);
    m_jsonError->setStyleSheet(QStringLiteral("color: #c62828"));
    auto* apply = new QPushButton(tr("Apply JSON"));
    apply->setToolTip(tr("Replace the recipe with this JSON (Ctrl+Return)"));
    apply->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    jsonLayout->addWidget(m_json, 1);
    jsonLayout->addWidget(m_jsonError);
    jsonLayout->addWidget(apply, 0, Qt::AlignRight);
    m_jsonPane->setVisible(false);

    auto* split = new QSplitter;
    split->addWidget(m_sections);
    split->addWidget(m_jsonPane);
    layout->addWidget(split, 1);

    connect(m_jsonToggle, &QPushButton::toggled, this, &RecipeForm::setJsonShown);
    connect(apply, &QPushButton::clicked, this, &RecipeForm::applyJson);
    connect(m_document, &RecipeDocument::changed, this, [this] {
        if (!m_loading) load();
    });
    load();
}

void RecipeForm::store(const std::string& path, FieldEditor* editor) {
    if (m_loading || !editor->acceptable()) return;  // a list mid-edit stays marked and unstored
    m_loading = true;
    const nlohmann::json value = editor->value();
    if (value.is_null()) m_document->remove(path);  // "not set", or an empty list: the field's default applies
    else m_document->setValue(path, value);
    m_loading = false;
    load();  // the JSON view, and any mark the edit cleared
}

void RecipeForm::load() {
    m_loading = true;
    for (const auto& [path, editor] : m_editors) {
        const nlohmann::json held = m_document->value(path);
        editor->setValue(held);
        // A value the editor cannot show (out of range, of another type) is marked, never silently replaced.
        const bool mismatch = !held.is_null() && !sameValue(editor->value(), held);
        editor->setProperty("mismatch", mismatch);
        editor->input()->setStyleSheet(mismatch ? QStringLiteral("border: 1px solid #c62828") : QString());
        const QString tip = QString::fromStdString(editor->field().tooltip());
        editor->input()->setToolTip(mismatch ? tr("The recipe holds %1, which this field does not take.\n%2").arg(QString::fromStdString(held.dump()), tip) : tip);
    }
    if (!m_json->hasFocus()) {  // what the user is typing in the JSON view is theirs until applied
        m_json->setPlainText(QString::fromStdString(m_document->recipe().dump(2)));
        m_jsonError->clear();
    }
    m_loading = false;
}

FieldEditor* RecipeForm::editor(const std::string& path) const {
    const auto it = m_editors.find(path);
    return it == m_editors.end() ? nullptr : it->second;
}

bool RecipeForm::marked(const std::string& path) const {
    const FieldEditor* found = editor(path);
    return found && found->property("mismatch").toBool();
}

QStringList RecipeForm::sectionTitles() const {
    QStringList titles;
    for (int i = 0; i < m_sections->count(); ++i) titles << m_sections->tabText(i);
    return titles;
}

void RecipeForm::setJsonShown(bool shown) {
    if (m_jsonToggle->isChecked() != shown) m_jsonToggle->setChecked(shown);
    m_jsonPane->setVisible(shown);
}

QString RecipeForm::jsonText() const { return m_json->toPlainText(); }

void RecipeForm::setJsonText(const QString& text) { m_json->setPlainText(text); }

QString RecipeForm::jsonError() const { return m_jsonError->text(); }

bool RecipeForm::applyJson() {
    nlohmann::json parsed;
    try {
        parsed = nlohmann::json::parse(m_json->toPlainText().toStdString());
    } catch (const nlohmann::json::parse_error& e) {
        m_jsonError->setText(tr("Not applied: the JSON does not parse (%1)").arg(QString::fromStdString(e.what())));
        return false;
    }
    if (!parsed.is_object()) {
        m_jsonError->setText(tr("Not applied: a recipe is a JSON object, {...}"));
        return false;
    }
    m_json->clearFocus();
    m_document->replace(std::move(parsed));  // changed() reloads the form and the text
    m_jsonError->clear();
    return true;
}

}  // namespace tinyforge::ui
