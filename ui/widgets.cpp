#include "ui/widgets.h"

#include <QFileInfo>

#include "ui/compare/run_list.h"

namespace tinyforge::ui {

QTableWidgetItem* readOnlyCell(const QString& text, bool number) {
    auto* item = new QTableWidgetItem(text);
    item->setFlags(item->flags() & ~Qt::ItemIsEditable);
    if (number) item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
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

}  // namespace tinyforge::ui
