// Runner for the GUI tests: one QApplication for the whole run, owned by main() so it is destroyed before
// Qt's own globals (a function-static one crashes at exit). Offscreen unless a platform is chosen.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <QApplication>

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("TinyForgeTests"));  // settings never touch the user's
    return Catch::Session().run(argc, argv);
}
