#pragma once
// Small widgets the pages share: read-only table cells, and the picker of finished runs.

#include <QComboBox>
#include <QTableWidgetItem>

namespace tinyforge::ui {

/// A table cell the user cannot edit; numbers are right-aligned.
QTableWidgetItem* readOnlyCell(const QString& text, bool number = false);

/// The runs the studio knows (the saved run list), newest first; addRun puts a new one on top and selects it.
class RunPicker : public QComboBox {
    Q_OBJECT
public:
    explicit RunPicker(QWidget* parent = nullptr);
    void addRun(const QString& dir);
    QString currentRun() const { return currentData().toString(); }
};

}  // namespace tinyforge::ui
