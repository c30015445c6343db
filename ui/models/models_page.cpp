#include "ui/models/models_page.h"

#include <algorithm>

#include <QComboBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QScrollArea>
#include <QTabWidget>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>

#include "core/error.h"
#include "core/io/json_text.h"
#include "core/models/architecture.h"
#include "core/models/model.h"
#include "core/compress/model_sizing.h"
#include "core/recipe/recipe.h"
#include "core/recipe/recipe_schema.h"
#include "core/resources.h"
#include "ui/models/model_graph_view.h"
#include "ui/project/field_editor.h"
#include "ui/project/recipe_document.h"
#include "ui/text_format.h"
#include "ui/widgets.h"

namespace tinyforge::ui {

namespace {

const QString kTorchScript = QStringLiteral("torchscript");

// What the options field takes for an architecture: each option's description, range and unit from the recipe table.
QString optionsHelp(const QString& arch) {
    if (arch == kTorchScript) return QObject::tr("A TorchScript model takes no options.");
    const auto* info = [&]() -> const core::models::ArchitectureInfo* {
        for (const auto& a : core::models::architectures()) {
            if (QString::fromStdString(a.id) == arch) return &a;
        }
        return nullptr;
    }();
    if (!info) return {};
    QString help = QObject::tr("Options of %1 as JSON, as a recipe gives them:").arg(arch);
    for (const auto& option : info->options) {
        const auto* field = core::recipe::recipeSection("model").find(option);
        help += QStringLiteral("\n  %1: %2").arg(QString::fromStdString(option), field ? QString::fromStdString(field->tooltip()) : QString());
    }
    return help;
}


}  // namespace

ModelsPage::ModelsPage(RecipeDocument* document, QWidget* parent) : QWidget(parent), m_document(document) {
    m_teacher.role = QStringLiteral("teacher");
    m_student.role = QStringLiteral("student");
    auto* layout = new QVBoxLayout(this);
    auto* editors = new QHBoxLayout;
    editors->addWidget(buildEditor(m_teacher, tr("Teacher")));
    editors->addWidget(buildEditor(m_student, tr("Student")));
    layout->addLayout(editors, 1);

    auto* boardRow = new QHBoxLayout;
    boardRow->addWidget(new QLabel(tr("Target board:")));
    m_board = new BoardPicker(false);
    boardRow->addWidget(m_board, 1);
    m_fit = new QLabel;
    m_fit->setWordWrap(true);
    boardRow->addWidget(m_fit, 2);
    layout->addLayout(boardRow);

    connect(m_board, &QComboBox::currentIndexChanged, this, [this] { updateFit(); });  // the models stay as built
    connect(m_document, &RecipeDocument::changed, this, [this] {
        if (!m_loading) loadFromDocument();
    });
    loadFromDocument();
}

QWidget* ModelsPage::buildEditor(Editor& editor, const QString& title) {
    auto* box = new QGroupBox(title);
    auto* layout = new QVBoxLayout(box);
    auto* form = new QFormLayout;
    editor.arch = new QComboBox;
    for (const auto& info : core::models::architectures()) {
        editor.arch->addItem(QString::fromStdString(info.id), QString::fromStdString(info.id));
        editor.arch->setItemData(editor.arch->count() - 1, QString::fromStdString(info.description), Qt::ToolTipRole);
    }
    editor.arch->addItem(tr("TorchScript file..."), kTorchScript);
    editor.arch->setItemData(editor.arch->count() - 1, tr("A model trained elsewhere, saved with torch.jit.save"), Qt::ToolTipRole);
    editor.options = new QLineEdit;
    editor.options->setPlaceholderText(QStringLiteral("{\"hidden\": [16]}"));
    editor.options->setToolTip(tr("The architecture's options as JSON, as a recipe gives them (docs/recipes.md)"));
    editor.options->setVisible(false);
    editor.jsonToggle = new QToolButton;
    editor.jsonToggle->setText(tr("JSON"));
    editor.jsonToggle->setCheckable(true);
    editor.jsonToggle->setToolTip(tr("Show the options as the recipe writes them, editable; the form follows"));
    editor.optionForm = new QFormLayout;
    auto* architectureRow = new QHBoxLayout;
    architectureRow->addWidget(editor.arch, 1);
    architectureRow->addWidget(editor.jsonToggle);
    form->addRow(tr("Architecture"), architectureRow);
    form->addRow(editor.optionForm);
    form->addRow(editor.options);
    layout->addLayout(form);
    connect(editor.jsonToggle, &QToolButton::toggled, editor.options, &QLineEdit::setVisible);
    editor.layers = new QTableWidget(0, 6);
    editor.layers->setHorizontalHeaderLabels({tr("Layer"), tr("Type"), tr("Output"), tr("Params"), tr("MACs"), tr("Bytes")});
    editor.layers->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    editor.layers->verticalHeader()->hide();
    // The layers as a table or as a graph; teacher and student switch together so they stay side by side.
    editor.graph = new ModelGraphView;
    auto* graphScroll = new QScrollArea;
    graphScroll->setWidget(editor.graph);
    graphScroll->setWidgetResizable(true);
    editor.views = new QTabWidget;
    editor.views->addTab(editor.layers, tr("Table"));
    editor.views->addTab(graphScroll, tr("Graph"));
    editor.views->setDocumentMode(true);
    connect(editor.views, &QTabWidget::currentChanged, this, [this](int index) { showGraphs(index == 1); });
    layout->addWidget(editor.views, 1);
    editor.totals = new QLabel;
    editor.totals->setWordWrap(true);
    layout->addWidget(editor.totals);
    connect(editor.arch, &QComboBox::currentIndexChanged, this, [this, &editor] {
        editor.options->setToolTip(optionsHelp(editor.arch->currentData().toString()));
        if (m_loading) return;
        rebuildOptionForm(editor);
        storeFromForm(editor);  // the options the new architecture takes, as the form shows them
    });
    connect(editor.options, &QLineEdit::editingFinished, this, [this, &editor] { storeArchitecture(editor); });
    return box;
}

void ModelsPage::loadFromDocument() {
    m_loading = true;
    for (Editor* editor : {&m_teacher, &m_student}) {
        auto section = m_document->value(editor->role.toStdString(), nlohmann::json::object());
        if (section.is_array()) section = section.empty() ? nlohmann::json::object() : section[0];  // an ensemble: its first
        if (!section.is_object()) section = nlohmann::json::object();
        // Values of the wrong type show as the defaults; the engine names the field when the recipe runs.
        const bool script = section.contains("torchscript") && section["torchscript"].is_string();
        const bool named = section.contains("arch") && section["arch"].is_string();
        const auto arch = script ? kTorchScript : named ? QString::fromStdString(section["arch"].get<std::string>()) : QStringLiteral("mlp");
        editor->arch->setCurrentIndex(std::max(0, editor->arch->findData(arch)));
        editor->options->setToolTip(optionsHelp(editor->arch->currentData().toString()));
        editor->torchscript = script ? QString::fromStdString(section["torchscript"].get<std::string>()) : QString();
        nlohmann::json options = section;
        for (const char* key : {"arch", "train", "torchscript"}) options.erase(key);
        editor->options->setText(options.empty() ? QString() : QString::fromStdString(options.dump()));
        rebuildOptionForm(*editor);
        showOptions(*editor, options);
    }
    m_loading = false;
    refreshTables();
}

void ModelsPage::storeArchitecture(Editor& editor) {
    if (m_loading) return;
    nlohmann::json options = nlohmann::json::object();
    const QString text = editor.options->text().trimmed();
    if (!text.isEmpty()) {
        try {
            options = core::io::parseJson(text.toStdString(), "options");  // bounded nesting, as every file the studio reads
        } catch (const DataError&) {
            options = nullptr;
        }
        if (!options.is_object()) {
            editor.totals->setText(tr("<span style='color:#c62828'>Options must be a JSON object, such as {\"hidden\": [16]}</span>"));
            return;  // the recipe keeps its last good value
        }
    }
    auto section = m_document->value(editor.role.toStdString(), nlohmann::json::object());
    if (!section.is_object()) section = nlohmann::json::object();
    nlohmann::json updated{{"arch", editor.arch->currentData().toString().toStdString()}};
    if (editor.arch->currentData().toString() == kTorchScript) {
        if (editor.torchscript.isEmpty()) {
            editor.torchscript = QFileDialog::getOpenFileName(this, tr("TorchScript model"), QString(), tr("TorchScript (*.pt *.pth)"));
            if (editor.torchscript.isEmpty()) return;  // nothing chosen: the recipe keeps its model
        }
        updated = {{"torchscript", editor.torchscript.toStdString()}};
        options = nlohmann::json::object();
    } else {
        editor.torchscript.clear();
    }
    if (section.contains("train")) updated["train"] = section["train"];  // per-model training stays
    updated.update(options);
    m_loading = true;
    m_document->setValue(editor.role.toStdString(), updated);
    showOptions(editor, options);  // the form follows what was typed as JSON
    m_loading = false;
    refreshTables();
}

void ModelsPage::rebuildOptionForm(Editor& editor) {
    while (editor.optionForm->rowCount() > 0) editor.optionForm->removeRow(0);
    editor.optionEditors.clear();
    const auto arch = editor.arch->currentData().toString().toStdString();
    for (const auto& info : core::models::architectures()) {
        if (info.id != arch) continue;
        for (const auto& option : info.options) {
            const auto* field = core::recipe::recipeSection("model").find(option);
            if (!field) continue;
            const bool whole = std::find(info.wholeNumberOptions.begin(), info.wholeNumberOptions.end(), option) != info.wholeNumberOptions.end();
            auto* fieldEditor = new FieldEditor(*field, whole);
            fieldEditor->setObjectName(QString::fromStdString(option));
            editor.optionForm->addRow(QString::fromStdString(option), fieldEditor);
            editor.optionEditors.push_back(fieldEditor);
            connect(fieldEditor, &FieldEditor::edited, this, [this, &editor, option] {
                editor.setKeys.insert(option);
                storeFromForm(editor);
            });
        }
    }
}

void ModelsPage::showOptions(Editor& editor, const nlohmann::json& options) {
    editor.setKeys.clear();
    if (options.is_object()) {
        for (const auto& [key, value] : options.items()) editor.setKeys.insert(key);
    }
    for (FieldEditor* fieldEditor : editor.optionEditors) {
        const std::string key = fieldEditor->objectName().toStdString();
        fieldEditor->setValue(options.is_object() && options.contains(key) ? options[key] : nlohmann::json());
    }
}

// The form's values into the JSON view and the recipe: the options the recipe had or the user set (the others keep
// the architecture's defaults by being left out), an empty list left out.
void ModelsPage::storeFromForm(Editor& editor) {
    nlohmann::json options = nlohmann::json::object();
    for (FieldEditor* fieldEditor : editor.optionEditors) {
        if (!fieldEditor->acceptable()) return;  // mid-edit: the recipe keeps its last good value
        const std::string key = fieldEditor->objectName().toStdString();
        const nlohmann::json value = fieldEditor->value();
        if (editor.setKeys.count(key) && !value.is_null()) options[key] = value;
    }
    editor.options->setText(options.empty() ? QString() : QString::fromStdString(options.dump()));
    storeArchitecture(editor);
}

void ModelsPage::setDataset(std::shared_ptr<const core::data::Dataset> dataset) {
    m_dataset = std::move(dataset);
    refreshTables();
}

void ModelsPage::refreshTables() {
    std::int64_t teacherBytes = 0, teacherActivationBytes = 0;  // two variables: one for both would alias the totals
    showLayers(m_teacher, teacherBytes, teacherActivationBytes);
    showLayers(m_student, m_studentFlashBytes, m_studentRamBytes);
    updateFit();
}

namespace {

// The compression the recipe asks for, as the engine reads it; none (and `problem` set) when the recipe does not parse.
core::compress::CompressionSettings plannedCompression(const nlohmann::json& recipe, QString& problem) {
    try {
        return core::recipe::parseRecipe(recipe, "recipe", std::filesystem::current_path()).compression;
    } catch (const std::exception& e) {
        problem = QString::fromStdString(e.what());
        return {};
    }
}

}  // namespace

void ModelsPage::showLayers(Editor& editor, std::int64_t& deployedBytes, std::int64_t& activationBytes) {
    editor.layers->setRowCount(0);
    editor.graph->setNodes({});
    deployedBytes = activationBytes = 0;
    if (!m_dataset) {
        editor.totals->setText(tr("Load a dataset to see the layers."));
        return;
    }
    QString recipeProblem;
    // Only the student is compressed; the teacher is sized as it trains, in 32-bit floats.
    const auto compression = &editor == &m_student ? plannedCompression(m_document->recipe(), recipeProblem) : core::compress::CompressionSettings{};
    try {
        const auto model = [&] {
            if (!editor.torchscript.isEmpty()) {
                return core::models::Model::importTorchScript(editor.torchscript.toStdString(), m_dataset->samples.sampleShape,
                                                              m_dataset->classCount());
            }
            core::models::ArchitectureSpec spec;
            spec.arch = editor.arch->currentData().toString().toStdString();
            spec.options = core::io::parseJson(editor.options->text().trimmed().isEmpty() ? std::string("{}") : editor.options->text().toStdString(), "options");
            return core::models::Model::build(spec, m_dataset->samples.sampleShape, m_dataset->classCount(), 1, editor.role.toStdString());
        }();
        const auto sizing = core::compress::sizeModel(model, m_dataset->samples.sampleShape, compression);
        std::vector<GraphNode> nodes;
        for (const auto& layer : sizing.layers) {
            nodes.push_back({QString::fromStdString(layer.name), QString::fromStdString(layer.type), shapeText(layer.outputShape), layer.params, layer.macs,
                             layer.encoding.empty() ? QString() : bytesText(layer.deployedBytes), QString::fromStdString(layer.encoding)});
            const int row = editor.layers->rowCount();
            editor.layers->insertRow(row);
            editor.layers->setItem(row, 0, readOnlyCell(QString::fromStdString(layer.name)));
            editor.layers->setItem(row, 1, readOnlyCell(QString::fromStdString(layer.type)));
            editor.layers->setItem(row, 2, readOnlyCell(shapeText(layer.outputShape)));
            editor.layers->setItem(row, 3, readOnlyCell(QLocale().toString(static_cast<qlonglong>(layer.params)), true));
            editor.layers->setItem(row, 4, readOnlyCell(QLocale().toString(static_cast<qlonglong>(layer.macs)), true));
            auto* bytes = readOnlyCell(layer.encoding.empty() ? QString() : bytesText(layer.deployedBytes), true);
            bytes->setToolTip(QString::fromStdString(layer.encoding));
            editor.layers->setItem(row, 5, bytes);
        }
        editor.graph->setNodes(std::move(nodes));
        deployedBytes = sizing.deployedBytes;
        activationBytes = sizing.activationArenaBytes;
        if (&editor == &m_student) {
            QStringList weighted;
            for (const auto& layer : sizing.layers) {
                if (!layer.encoding.empty()) weighted << QString::fromStdString(layer.name);
            }
            emit studentLayersChanged(weighted);
        }
        const int row = editor.layers->rowCount();
        editor.layers->insertRow(row);
        auto* total = readOnlyCell(tr("Total"));
        QFont bold = total->font();
        bold.setBold(true);
        total->setFont(bold);
        editor.layers->setItem(row, 0, total);
        editor.layers->setItem(row, 3, readOnlyCell(QLocale().toString(static_cast<qlonglong>(sizing.params)), true));
        editor.layers->setItem(row, 4, readOnlyCell(QLocale().toString(static_cast<qlonglong>(sizing.macs)), true));
        editor.layers->setItem(row, 5, readOnlyCell(bytesText(deployedBytes), true));
        const QString opaque = sizing.macsKnown ? QString() : tr("A TorchScript model, whose layers the studio cannot see; ");
        const QString compressed = sizing.weightBits < 32 || compression.prune.enabled || compression.cluster.enabled
                                       ? tr(" as the recipe compresses it (an estimate until it is trained)")
                                       : QString();
        QString text = opaque + tr("%1 parameters, %2 MACs per sample, %3 as fp32, %4 with %5-bit weights%6")
                                    .arg(QLocale().toString(static_cast<qlonglong>(sizing.params)),
                                         QLocale().toString(static_cast<qlonglong>(sizing.macs)), bytesText(sizing.bytesFp32), bytesText(deployedBytes))
                                    .arg(sizing.weightBits)
                                    .arg(compressed);
        if (!recipeProblem.isEmpty()) text += QStringLiteral("<br><span style='color:#c62828'>%1</span>").arg(recipeProblem.toHtmlEscaped());
        editor.totals->setText(text);
    } catch (const Error& e) {
        editor.totals->setText(QStringLiteral("<span style='color:#c62828'>%1</span>").arg(QString::fromStdString(e.what()).toHtmlEscaped()));
    } catch (const nlohmann::json::exception&) {
        editor.totals->setText(tr("<span style='color:#c62828'>Options must be a JSON object, such as {\"hidden\": [16]}</span>"));
    } catch (const std::exception& e) {  // a LibTorch error for an impossible shape: shown, never fatal
        editor.totals->setText(QStringLiteral("<span style='color:#c62828'>%1</span>").arg(QString::fromStdString(e.what()).toHtmlEscaped()));
    }
}

void ModelsPage::updateFit() {
    const std::int64_t flashBytes = m_studentFlashBytes, ramBytes = m_studentRamBytes;
    const devices::Board* board = m_board->currentBoard();
    if (!board || flashBytes == 0) {
        m_fit->clear();
        emit fitChanged(QString());
        return;
    }
    const bool flashFits = static_cast<std::uint64_t>(flashBytes) <= board->flashBytes;
    const bool ramFits = static_cast<std::uint64_t>(ramBytes) <= board->ramBytes;
    const QString line = tr("student weights %1 of %2 flash, activations %3 of %4 RAM")
                             .arg(bytesText(flashBytes), bytesText(static_cast<std::int64_t>(board->flashBytes)), bytesText(ramBytes),
                                  bytesText(static_cast<std::int64_t>(board->ramBytes)));
    if (flashFits && ramFits) {
        m_fit->setText(tr("Fits: %1").arg(line));
        m_fit->setStyleSheet(QString());
    } else {
        m_fit->setText(tr("Will not fit (%1): %2").arg(!flashFits ? tr("flash") : tr("RAM"), line));
        m_fit->setStyleSheet(QStringLiteral("color: #c62828; font-weight: bold"));
    }
    emit fitChanged(m_fit->text());
}

int ModelsPage::layerRows(bool student) const { return (student ? m_student : m_teacher).layers->rowCount(); }

QString ModelsPage::fitText() const { return m_fit->text(); }

void ModelsPage::showGraphs(bool graphs) {
    for (Editor* editor : {&m_teacher, &m_student}) editor->views->setCurrentIndex(graphs ? 1 : 0);  // no signal when unchanged
}

const ModelGraphView* ModelsPage::graphView(bool student) const { return (student ? m_student : m_teacher).graph; }

QString ModelsPage::totalsText(bool student) const { return (student ? m_student : m_teacher).totals->text(); }

void ModelsPage::setBoard(const QString& id) { m_board->selectBoard(id); }

FieldEditor* ModelsPage::optionEditor(bool student, const QString& option) const {
    for (FieldEditor* fieldEditor : (student ? m_student : m_teacher).optionEditors) {
        if (fieldEditor->objectName() == option) return fieldEditor;
    }
    return nullptr;
}

QString ModelsPage::optionsJson(bool student) const { return (student ? m_student : m_teacher).options->text(); }

void ModelsPage::setOptionsJson(bool student, const QString& json) {
    Editor& editor = student ? m_student : m_teacher;
    editor.options->setText(json);
    storeArchitecture(editor);
}

}  // namespace tinyforge::ui
