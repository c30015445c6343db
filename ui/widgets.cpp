#include "ui/widgets.h"

#include <QFileInfo>

#include "core/error.h"
#include "core/resources.h"
#include "ui/compare/run_list.h"
#include "ui/text_format.h"

namespace tinyforge::ui {

QTableWidgetItem* readOnlyCell(const QString& text, bool number) {
    auto* item = new QTableWidgetItem(text);
    item->setFlags(item->flags() & ~Qt::ItemIsEditable);
    if (number) item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

FlashBudgetBox::FlashBudgetBox(const QString& noneText, QWidget* parent) : QSpinBox(parent) {
    setRange(0, 1 << 30);
    setSingleStep(1024);
    setSuffix(tr(" bytes"));
    setSpecialValueText(noneText);
    setGroupSeparatorShown(true);
    setToolTip(tr("Bytes the model's constant data (weights, biases, requantization tables) may take in flash: each layer gets "
                  "the fastest encoding and kernel within them, and the export reports why (--flash-budget)"));
}

std::optional<std::int64_t> FlashBudgetBox::budget() const {
    if (value() == minimum()) return std::nullopt;
    return value();
}

RunPicker::RunPicker(QWidget* parent) : QComboBox(parent) {
    for (const QString& dir : RunList().folders()) addItem(QFileInfo(dir).fileName(), dir);
}

void RunPicker::addRun(const QString& dir) {
    const int existing = findData(dir);
    if (existing >= 0) removeItem(existing);
    insertItem(0, QFileInfo(dir).fileName(), dir);
    setCurrentIndex(0);
}

BoardPicker::BoardPicker(bool microcontrollersOnly, QWidget* parent) : QComboBox(parent) {
    try {
        for (auto& board : devices::loadBoards(core::resourceDir() / "boards")) {
            if (microcontrollersOnly && board.kind != "mcu") continue;
            addItem(QString::fromStdString(board.name), QString::fromStdString(board.id));
            setItemData(count() - 1,
                        tr("%1 flash, %2 RAM, %3 MHz %4")
                            .arg(bytesText(static_cast<std::int64_t>(board.flashBytes)), bytesText(static_cast<std::int64_t>(board.ramBytes)))
                            .arg(board.clockMhz)
                            .arg(QString::fromStdString(board.core)),
                        Qt::ToolTipRole);
            m_boards.push_back(std::move(board));
        }
    } catch (const Error& e) {
        setToolTip(QString::fromStdString(e.what()));
    }
}

const devices::Board* BoardPicker::currentBoard() const {
    const int i = currentIndex();
    return i >= 0 && i < static_cast<int>(m_boards.size()) ? &m_boards[static_cast<std::size_t>(i)] : nullptr;
}

void BoardPicker::selectBoard(const QString& id) { setCurrentIndex(std::max(0, findData(id))); }

}  // namespace tinyforge::ui
