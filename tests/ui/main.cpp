// Runner for the GUI tests: one QApplication for the whole run, owned by main() so it is destroyed before
// Qt's own globals (a function-static one crashes at exit). Offscreen unless a platform is chosen.
#include "tests/catch_runner.h"  // Catch2 itself is compiled once, in tests/catch_impl.cpp

#include "ui/studio_application.h"

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    tinyforge::ui::StudioApplication app(argc, argv);  // as the studio runs: slots that throw are caught
    QApplication::setOrganizationName(QStringLiteral("TinyForgeTests"));  // settings never touch the user's
    return runCatch(argc, argv);
}
