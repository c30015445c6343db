#pragma once
// Small widgets the pages share: read-only table cells, and the picker of finished runs.

#include <QComboBox>
#include <QSpinBox>
#include <QTableWidgetItem>

#include <cstdint>
#include <optional>
#include <vector>

#include "devices/boards/board.h"

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

/// The bundled boards (resources/boards), read once; each item's tooltip gives flash, RAM, clock and core. A broken
/// board file leaves the list empty with the problem as the tooltip, the page still usable.
class BoardPicker : public QComboBox {
    Q_OBJECT
public:
    explicit BoardPicker(bool microcontrollersOnly, QWidget* parent = nullptr);
    /// The chosen board, or null when there is none.
    const devices::Board* currentBoard() const;
    void selectBoard(const QString& id);

private:
    std::vector<devices::Board> m_boards;
};

/// The bytes the C model's constant data may take (--flash-budget): each layer then gets the fastest encoding within
/// them. Its lowest value is "none", shown as `noneText` (what happens without a budget).
class FlashBudgetBox : public QSpinBox {
    Q_OBJECT
public:
    explicit FlashBudgetBox(const QString& noneText, QWidget* parent = nullptr);
    std::optional<std::int64_t> budget() const;
};

}  // namespace tinyforge::ui
