#include "ui/devices/drift_view.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

#include "ui/widgets.h"

namespace tinyforge::ui {

DriftView::DriftView(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_verdict = new QLabel(tr("Find drift runs one test sample on the board with every op's output reported, and compares each with "
                              "the studio's integer reference."));
    m_verdict->setWordWrap(true);
    layout->addWidget(m_verdict);
    auto* tables = new QHBoxLayout;
    m_ops = new QTableWidget(0, 6);
    m_ops->setHorizontalHeaderLabels({tr("Op"), tr("Name"), tr("Kind"), tr("Values"), tr("Differing"), tr("Max |diff|")});
    m_values = new QTableWidget(0, 3);
    m_values->setHorizontalHeaderLabels({tr("Index"), tr("Reference"), tr("Device")});
    for (QTableWidget* table : {m_ops, m_values}) {
        table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
        table->verticalHeader()->hide();
    }
    tables->addWidget(m_ops, 3);
    tables->addWidget(m_values, 2);
    layout->addLayout(tables, 1);
}

void DriftView::showReport(const devices::DriftReport& report) {
    m_ops->setRowCount(0);
    m_values->setRowCount(0);
    for (const auto& layer : report.layers) {
        const int row = m_ops->rowCount();
        m_ops->insertRow(row);
        const QString kind = layer.fused_into ? tr("%1 + add (op %2)").arg(QString::fromStdString(layer.kind)).arg(*layer.fused_into)
                                              : QString::fromStdString(layer.kind);
        const QStringList cells{QString::number(layer.op), QString::fromStdString(layer.name), kind,
                                QString::number(layer.values), QString::number(layer.differing), QString::number(layer.max_difference)};
        for (int column = 0; column < cells.size(); ++column) {
            auto* cell = readOnlyCell(cells[column]);
            if (layer.differing > 0) cell->setForeground(QColor(0xc6, 0x28, 0x28));
            m_ops->setItem(row, column, cell);
        }
    }
    if (!report.first_divergent_op) {
        m_verdict->setText(tr("%1, test sample %2: every op's output equals the integer reference.")
                               .arg(QString::fromStdString(report.board))
                               .arg(report.sample));
        return;
    }
    const auto& first = report.layers.at(static_cast<std::size_t>(*report.first_divergent_op));
    m_verdict->setText(tr("%1, test sample %2: op %3 (%4) is the first to differ: %5 of %6 values, by up to %7.")
                           .arg(QString::fromStdString(report.board))
                           .arg(report.sample)
                           .arg(first.op)
                           .arg(QString::fromStdString(first.name))
                           .arg(first.differing)
                           .arg(first.values)
                           .arg(first.max_difference));
    for (std::size_t i = 0; i < first.reference.size(); ++i) {
        if (first.reference[i] == first.device[i]) continue;
        const int row = m_values->rowCount();
        m_values->insertRow(row);
        m_values->setItem(row, 0, readOnlyCell(QString::number(i)));
        m_values->setItem(row, 1, readOnlyCell(QString::number(first.reference[i])));
        m_values->setItem(row, 2, readOnlyCell(QString::number(first.device[i])));
    }
}

QString DriftView::verdict() const { return m_verdict->text(); }

int DriftView::opRows() const { return m_ops->rowCount(); }

int DriftView::valueRows() const { return m_values->rowCount(); }

}  // namespace tinyforge::ui
