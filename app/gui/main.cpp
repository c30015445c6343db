// tinyforge: the studio's window. Wires the application object to the main window; logic lives in ui/ and core/.

#include <QApplication>
#include <QTimer>

#include "core/resources.h"
#include "core/runtime.h"
#include "ui/data/data_page.h"
#include "ui/main_window.h"

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("TinyForge Studio"));
    QApplication::setOrganizationName(QStringLiteral("TinyForge"));
    QApplication::setApplicationVersion(QStringLiteral(TINYFORGE_VERSION));
    tinyforge::core::configureThreads();

    tinyforge::ui::MainWindow window;
    window.show();
    // First launch is ready to go: the bundled Iris table is loaded.
    const auto iris = tinyforge::core::resourceDir() / "data" / "iris.csv";
    QTimer::singleShot(0, &window, [&window, iris] { window.dataPage()->load(QString::fromStdString(iris.string())); });
    return QApplication::exec();
}
