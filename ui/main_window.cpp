#include "ui/main_window.h"

#include <QApplication>
#include <QHBoxLayout>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QStackedWidget>
#include <QStatusBar>

#include "core/resources.h"
#include "ui/data/data_page.h"

namespace tinyforge::ui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setWindowTitle(tr("TinyForge Studio"));
    m_pageList = new QListWidget;
    m_pageList->setFixedWidth(140);
    m_pages = new QStackedWidget;
    auto* central = new QWidget;
    auto* row = new QHBoxLayout(central);
    row->addWidget(m_pageList);
    row->addWidget(m_pages, 1);
    setCentralWidget(central);
    connect(m_pageList, &QListWidget::currentRowChanged, m_pages, &QStackedWidget::setCurrentIndex);

    m_dataPage = new DataPage;
    addPage(tr("Data"), m_dataPage);
    m_pageList->setCurrentRow(0);

    // The engine's errors are shown to the user; what they have loaded stays as it was.
    connect(m_dataPage, &DataPage::loadFailed, this, [this](const QString& message) {
        QMessageBox::warning(this, tr("Cannot load dataset"), message);
    });
    connect(m_dataPage, &DataPage::loaded, this, [this](auto dataset) {
        statusBar()->showMessage(tr("Loaded %1").arg(QString::fromStdString(dataset->source)), 5000);
    });

    auto* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Quit"), QKeySequence::Quit, qApp, &QApplication::quit);
    auto* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About TinyForge Studio"), this, &MainWindow::showAbout);
    resize(1100, 760);
}

void MainWindow::addPage(const QString& title, QWidget* page) {
    m_pageList->addItem(title);
    m_pages->addWidget(page);
}

void MainWindow::showAbout() {
    QMessageBox::about(this, tr("About TinyForge Studio"),
                       tr("TinyForge Studio %1\nDistil, compress, export and deploy neural networks to "
                          "microcontrollers and Linux boards, offline.")
                           .arg(QApplication::applicationVersion()));
}

}  // namespace tinyforge::ui
