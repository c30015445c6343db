#include "ui/project/field_editor.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QRegularExpression>
#include <QSpinBox>
#include <QToolButton>
#include <QValidator>

#include <algorithm>
#include <cmath>
#include <limits>

namespace tinyforge::ui {

namespace {

using core::recipe::FieldKind;

// A typed list's items: separated by commas or spaces.
QStringList listItems(const QString& text) {
    static const QRegularExpression separators(QStringLiteral("[,\\s]+"));
    return text.split(separators, Qt::SkipEmptyParts);
}

// A list of whole numbers within [min, max], separated by commas or spaces: "16, 32". Anything else cannot be typed;
// a number out of range, or a trailing separator, is accepted only as a step towards a valid list.
class WholeNumberListValidator : public QValidator {
public:
    WholeNumberListValidator(double min, double max, QObject* parent) : QValidator(parent), m_min(min), m_max(max) {}

    State validate(QString& input, int&) const override {
        static const QRegularExpression allowed(QStringLiteral("^[0-9,\\s]*$"));
        if (!allowed.match(input).hasMatch()) return Invalid;
        const QStringList parts = listItems(input);
        if (parts.isEmpty()) return Acceptable;  // empty: the option is left out
        State state = Acceptable;
        for (const QString& part : parts) {
            bool ok = false;
            const double n = part.toDouble(&ok);
            if (!ok || n > m_max * 10) return Invalid;  // far too large to become valid by typing on
            if (n < m_min || n > m_max) state = Intermediate;
        }
        if (input.trimmed().endsWith(QLatin1Char(','))) state = Intermediate;
        return state;
    }

private:
    double m_min, m_max;
};

// A list of names separated by commas, each one of `choices` when the field has them: "c, onnx".
class NameListValidator : public QValidator {
public:
    NameListValidator(std::vector<std::string> choices, QObject* parent) : QValidator(parent), m_choices(std::move(choices)) {}

    State validate(QString& input, int&) const override {
        static const QRegularExpression allowed(QStringLiteral("^[A-Za-z0-9_.,\\s-]*$"));
        if (!allowed.match(input).hasMatch()) return Invalid;
        if (input.trimmed().endsWith(QLatin1Char(','))) return Intermediate;
        if (m_choices.empty()) return Acceptable;
        for (const QString& part : listItems(input)) {
            if (std::find(m_choices.begin(), m_choices.end(), part.toStdString()) == m_choices.end()) return Intermediate;
        }
        return Acceptable;
    }

private:
    std::vector<std::string> m_choices;
};

// A number shown as briefly as it is exact ("0.0005", "4"), not padded to a fixed count of decimals: learning
// rates and weight decays need six places, temperatures none.
class CompactDoubleSpinBox : public QDoubleSpinBox {
public:
    CompactDoubleSpinBox() { setDecimals(8); }
    QString textFromValue(double value) const override { return locale().toString(value, 'g', 10); }
};

std::string joined(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& name : names) out += (out.empty() ? "" : ", ") + name;
    return out;
}

QString rangeSuffix(const core::recipe::FieldSpec& field) { return field.unit.empty() ? QString() : QStringLiteral(" ") + QString::fromStdString(field.unit); }

}  // namespace

FieldEditor::FieldEditor(const core::recipe::FieldSpec& field, bool wholeNumber, QWidget* parent, bool unsetAllowed)
    : QWidget(parent), m_field(field), m_unset(unsetAllowed && field.fallback.is_null() && !field.required) {
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    const QString tip = QString::fromStdString(field.tooltip());
    const double lo = std::isfinite(field.min) ? field.min : -1e9, hi = std::isfinite(field.max) ? field.max : 1e9;
    // A list given as one whole number (ArchitectureInfo::wholeNumberOptions) takes a spin box, as an integer does.
    const FieldKind kind = field.kind == FieldKind::IntegerList && wholeNumber ? FieldKind::Integer : field.kind;
    switch (kind) {
        case FieldKind::Integer:
            m_integer = new QSpinBox;
            // "not set" is the step below the lowest value.
            m_integer->setRange(static_cast<int>(std::max(lo, -2e9)) - (m_unset ? 1 : 0), static_cast<int>(std::min(hi, 2e9)));
            if (m_unset) m_integer->setSpecialValueText(tr("not set"));
            m_integer->setSuffix(rangeSuffix(field));
            m_integer->setKeyboardTracking(false);  // a typed number counts once finished, not digit by digit
            connect(m_integer, &QSpinBox::valueChanged, this, [this] { if (!m_loading) emit edited(); });
            break;
        case FieldKind::Number: {
            m_number = new CompactDoubleSpinBox;
            // An exclusive minimum (a learning rate above 0) starts just above it: 1e-6, below any value in use.
            m_number->setSingleStep(hi - lo <= 1 ? 0.05 : 0.25);
            m_number->setRange((field.minExclusive ? lo + 1e-6 : lo) - (m_unset ? m_number->singleStep() : 0), hi);
            if (m_unset) m_number->setSpecialValueText(tr("not set"));
            m_number->setSuffix(rangeSuffix(field));
            m_number->setKeyboardTracking(false);
            connect(m_number, &QDoubleSpinBox::valueChanged, this, [this] { if (!m_loading) emit edited(); });
            break;
        }
        case FieldKind::Flag:
            m_flag = new QCheckBox;
            connect(m_flag, &QCheckBox::toggled, this, [this] { if (!m_loading) emit edited(); });
            break;
        case FieldKind::Choice:
            m_choice = new QComboBox;
            if (m_unset) m_choice->addItem(tr("not set"));
            for (const auto& c : field.choices) m_choice->addItem(QString::fromStdString(c));
            connect(m_choice, &QComboBox::currentIndexChanged, this, [this] { if (!m_loading) emit edited(); });
            break;
        case FieldKind::IntegerList:
            m_text = new QLineEdit;
            m_text->setValidator(new WholeNumberListValidator(lo, hi, m_text));
            m_text->setPlaceholderText(tr("whole numbers, as 16, 32 (empty: the architecture's default)"));
            // What is typed but not yet a valid list is marked as it is typed; a list is stored when finished (Enter
            // or leaving the field, which QLineEdit reports only for an acceptable list): each store rebuilds the
            // models' layer tables.
            connect(m_text, &QLineEdit::textEdited, this, [this] {
                m_text->setStyleSheet(acceptable() ? QString() : QStringLiteral("QLineEdit { border: 1px solid #c62828; }"));
            });
            connect(m_text, &QLineEdit::editingFinished, this, [this] { if (!m_loading) emit edited(); });
            break;
        case FieldKind::TextList:
            m_text = new QLineEdit;
            m_text->setValidator(new NameListValidator(field.choices, m_text));
            m_text->setPlaceholderText(field.choices.empty() ? tr("names, as a, b") : tr("any of: %1").arg(QString::fromStdString(joined(field.choices))));
            connect(m_text, &QLineEdit::textEdited, this, [this] {
                m_text->setStyleSheet(acceptable() ? QString() : QStringLiteral("QLineEdit { border: 1px solid #c62828; }"));
            });
            connect(m_text, &QLineEdit::editingFinished, this, [this] { if (!m_loading) emit edited(); });
            break;
        default:  // text and paths: stored when finished, not per keystroke (each store rebuilds the models)
            m_text = new QLineEdit;
            connect(m_text, &QLineEdit::editingFinished, this, [this] { if (!m_loading && m_text->isModified()) emit edited(); });
            break;
    }
    input()->setToolTip(tip);
    setToolTip(tip);
    layout->addWidget(input());
    if (kind == FieldKind::Path) {  // a path can be typed or picked
        auto* browse = new QToolButton;
        browse->setText(tr("Browse..."));
        connect(browse, &QToolButton::clicked, this, [this] {
            const QString picked = QFileDialog::getOpenFileName(this, QString::fromStdString(m_field.doc), m_text->text());
            if (picked.isEmpty()) return;
            m_text->setText(picked);
            emit edited();
        });
        layout->addWidget(browse);
    }
    setValue(nullptr);
}

QWidget* FieldEditor::input() const {
    if (m_integer) return m_integer;
    if (m_number) return m_number;
    if (m_flag) return m_flag;
    if (m_choice) return m_choice;
    return m_text;
}

void FieldEditor::setValue(const nlohmann::json& given) {
    m_loading = true;
    const nlohmann::json& value = given.is_null() ? m_field.fallback : given;
    if (m_integer) {
        // A list field shown as one number takes a list's first element; a missing value shows the lowest.
        const nlohmann::json& n = value.is_array() && !value.empty() ? value[0] : value;
        m_integer->setValue(n.is_number() ? static_cast<int>(n.get<double>()) : m_integer->minimum());  // the minimum is "not set" when offered
    } else if (m_number) {
        m_number->setValue(value.is_number() ? value.get<double>() : m_number->minimum());
    } else if (m_flag) {
        m_flag->setChecked(value.is_boolean() && value.get<bool>());
    } else if (m_choice) {
        m_choice->setCurrentIndex(value.is_string() ? std::max(0, m_choice->findText(QString::fromStdString(value.get<std::string>()))) : 0);
    } else if (m_field.kind == FieldKind::TextList) {
        QStringList parts;
        if (value.is_array()) {
            for (const auto& v : value) parts << (v.is_string() ? QString::fromStdString(v.get<std::string>()) : QString::fromStdString(v.dump()));
        }
        m_text->setText(parts.join(QStringLiteral(", ")));
        m_text->setStyleSheet(QString());
    } else if (m_field.kind == FieldKind::IntegerList) {
        QStringList parts;
        if (value.is_array()) {
            for (const auto& v : value) parts << QString::fromStdString(v.dump());
        } else if (value.is_number()) {
            parts << QString::fromStdString(value.dump());
        }
        m_text->setText(parts.join(QStringLiteral(", ")));
        m_text->setStyleSheet(QString());
    } else {
        m_text->setText(value.is_string() ? QString::fromStdString(value.get<std::string>()) : QString());
    }
    m_loading = false;
}

nlohmann::json FieldEditor::value() const {
    if (m_integer) return m_unset && m_integer->value() == m_integer->minimum() ? nlohmann::json() : nlohmann::json(m_integer->value());
    if (m_number) return m_unset && m_number->value() == m_number->minimum() ? nlohmann::json() : nlohmann::json(m_number->value());
    if (m_flag) return m_flag->isChecked();
    if (m_choice) return m_unset && m_choice->currentIndex() == 0 ? nlohmann::json() : nlohmann::json(m_choice->currentText().toStdString());
    if (m_field.kind == FieldKind::TextList || m_field.kind == FieldKind::IntegerList) {
        const QStringList parts = listItems(m_text->text());
        if (parts.isEmpty()) return nullptr;  // an empty list: the field is left out
        nlohmann::json list = nlohmann::json::array();
        for (const QString& part : parts) {
            if (m_field.kind == FieldKind::TextList) list.push_back(part.toStdString());
            else list.push_back(part.toLongLong());
        }
        return list;
    }
    return m_text->text().toStdString();
}

bool FieldEditor::acceptable() const {
    if (!m_text || !m_text->validator()) return true;
    QString text = m_text->text();
    int position = 0;
    return m_text->validator()->validate(text, position) == QValidator::Acceptable;
}

}  // namespace tinyforge::ui
