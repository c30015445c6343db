#pragma once
// The studio's window: a page per workflow in a side list. Each page is its own controller.

#include <QMainWindow>

class QListWidget;
class QStackedWidget;

namespace tinyforge::ui {

class DataPage;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    DataPage* dataPage() const { return m_dataPage; }

private:
    void addPage(const QString& title, QWidget* page);
    void showAbout();

    QListWidget* m_pageList = nullptr;
    QStackedWidget* m_pages = nullptr;
    DataPage* m_dataPage = nullptr;
};

}  // namespace tinyforge::ui
