// tinyforge: the studio's window. Wires the application object to the main window; logic lives in ui/ and core/.
//   tinyforge                 opens with the bundled Iris table loaded, ready to run
//   tinyforge PATH...         opens each: a project (.tfproj), a run or sweep folder, or a dataset

#include <QCommandLineParser>
#include <QIcon>
#include <QTimer>

#include "core/resources.h"
#include "core/runtime.h"
#include "ui/data/data_page.h"
#include "ui/main_window.h"
#include "ui/studio_application.h"
#include "ui/theme.h"

int main(int argc, char** argv) {
    tinyforge::ui::StudioApplication app(argc, argv);  // catches what escapes a slot, so the window survives it
    QApplication::setApplicationName(QStringLiteral("TinyForge Studio"));
    QApplication::setOrganizationName(QStringLiteral("TinyForge"));
    QApplication::setApplicationVersion(QStringLiteral(TINYFORGE_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("tinyforge"));  // installer/tinyforge.desktop
    QApplication::setWindowIcon(QIcon(QString::fromStdString((tinyforge::core::resourceDir() / "icons" / "io.tinyforge.Studio.svg").string())));

    QCommandLineParser options;
    options.setApplicationDescription(QStringLiteral("Distil, compress, export and deploy neural networks to microcontrollers and Linux boards."));
    options.addHelpOption();
    options.addVersionOption();
    const QCommandLineOption themeOption(QStringLiteral("theme"), QStringLiteral("Palette: system, light or dark (default: the last one chosen in View)."),
                                         QStringLiteral("theme"));
    options.addOption(themeOption);
    options.addPositionalArgument(QStringLiteral("paths"), QStringLiteral("Projects (.tfproj), run or sweep folders, or datasets to open."),
                                  QStringLiteral("[PATH...]"));
    options.process(app);
    tinyforge::core::configureThreads();
    auto theme = tinyforge::ui::savedTheme();
    if (options.isSet(themeOption)) {
        const auto asked = tinyforge::ui::themeFromName(options.value(themeOption));
        if (!asked) {
            qCritical("tinyforge: --theme takes system, light or dark, not '%s'", qPrintable(options.value(themeOption)));
            return 2;
        }
        theme = *asked;
    }
    tinyforge::ui::applyTheme(theme);

    tinyforge::ui::MainWindow window;
    window.show();
    const QStringList paths = options.positionalArguments();
    QTimer::singleShot(0, &window, [&window, paths] {
        // First launch is ready to go: the bundled Iris table is loaded, unless something else was asked for.
        if (paths.isEmpty()) window.dataPage()->load(QString::fromStdString((tinyforge::core::resourceDir() / "data" / "iris.csv").string()));
        for (const QString& path : paths) window.openPath(path);
    });
    return QApplication::exec();
}
