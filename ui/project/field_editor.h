#pragma once
// One recipe field as the widget its kind takes, built from the recipe's field table (core/recipe/recipe_schema.h):
// a spin box with the field's range for numbers, a check box for flags, a choice list, a line of whole numbers for
// lists. The tooltip gives the field's doc, range, unit and formula; what is outside the range cannot be typed.

#include <QWidget>

#include <nlohmann/json.hpp>

#include "core/recipe/recipe_schema.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLineEdit;
class QSpinBox;

namespace tinyforge::ui {

class FieldEditor : public QWidget {
    Q_OBJECT
public:
    /// `wholeNumber`: a list field given as one whole number (an architecture's option, ArchitectureInfo).
    /// `unsetAllowed`: a field without a default may be left out of the recipe; the editor then offers "not set"
    /// (the lowest step of a spin box, the first entry of a choice) and value() is null there.
    explicit FieldEditor(const core::recipe::FieldSpec& field, bool wholeNumber = false, QWidget* parent = nullptr, bool unsetAllowed = false);

    /// Shows `value`; null (absent from the recipe) shows the field's default, or nothing for a list.
    void setValue(const nlohmann::json& value);
    /// The value as the recipe stores it; null when a list is left empty or an optional field is not set (the
    /// field is then absent).
    nlohmann::json value() const;
    /// Whether what is typed is a value the field takes (a list mid-edit may not be).
    bool acceptable() const;
    const core::recipe::FieldSpec& field() const { return m_field; }
    /// The editing widget itself (for tests that type into it).
    QWidget* input() const;

signals:
    /// The user changed the value (not setValue).
    void edited();

private:
    core::recipe::FieldSpec m_field;
    QSpinBox* m_integer = nullptr;
    QDoubleSpinBox* m_number = nullptr;
    QCheckBox* m_flag = nullptr;
    QComboBox* m_choice = nullptr;
    QLineEdit* m_text = nullptr;  ///< lists, and text fields
    bool m_unset = false;         ///< "not set" is offered (unsetAllowed and the field has no default)
    bool m_loading = false;
};

}  // namespace tinyforge::ui
