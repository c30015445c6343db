// tinyforge: the studio's window. Wires the application object to the main window; logic lives in ui/ and core/.

#include <QTimer>

#include "core/resources.h"
#include "core/runtime.h"
#include "ui/data/data_page.h"
#include "ui/main_window.h"
#include "ui/studio_application.h"

int main(int argc, char** argv) {
    tinyforge::ui::StudioApplication app(argc, argv);  // catches what escapes a slot, so the window survives it
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
