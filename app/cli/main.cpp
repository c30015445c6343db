// tinyforge-cli: the studio without a window. Wires subcommands; all logic lives in core and devices.
// Exit status (docs/cli.md): 0 success; 2 bad input (arguments, data, recipe, board files); 3 a device, connection or
// external tool failed; 1 an internal failure or a cancelled job. Errors are one `error: ...` line on stderr.

#include <QGuiApplication>

#include <clocale>
#include <iostream>

#include "app/cli/commands.h"
#include "core/error.h"
#include "devices/device_error.h"

namespace {

int reportError(const std::string& message, int status) {
    std::cerr << "error: " << message << std::endl;
    return status;
}

// The exit statuses, by layer of the error.
constexpr int kBadInput = 2, kDeviceFailed = 3, kInternal = 1;

QtMessageHandler previousQtHandler = nullptr;

// The offscreen platform warns on every start where XDG_RUNTIME_DIR is unset (a build server, a Slurm job); it is
// harmless here, so it is dropped and everything else Qt says is passed on.
void quietQtMessages(QtMsgType type, const QMessageLogContext& context, const QString& message) {
    if (message.startsWith(QLatin1String("QStandardPaths: XDG_RUNTIME_DIR not set"))) return;
    if (previousQtHandler) previousQtHandler(type, context, message);
}

int runGuarded(const tinyforge::cli::CommandAction& action) {
    try {
        return action();
    } catch (const tinyforge::Cancelled&) {
        return reportError("cancelled (a run continues with --resume)", kInternal);
    } catch (const tinyforge::DataError& e) {  // a dataset, run folder, summary or board file (BoardFileError)
        return reportError(e.what(), kBadInput);
    } catch (const tinyforge::SettingsError& e) {
        return reportError(e.what(), kBadInput);
    } catch (const tinyforge::RecipeError& e) {
        return reportError(e.what(), kBadInput);
    } catch (const tinyforge::DeviceError& e) {  // transport, protocol or tool: the message names which and where
        return reportError(e.what(), kDeviceFailed);
    } catch (const std::bad_alloc&) {
        return reportError("internal: out of memory", kInternal);
    } catch (const std::exception& e) {
        return reportError(std::string("internal: ") + e.what(), kInternal);
    } catch (...) {
        return reportError("internal: unknown failure", kInternal);
    }
}

}  // namespace

int main(int argc, char** argv) {
    // Qt Serial Port (deploy reading a board's UART) watches the port through the main thread's event dispatcher,
    // and the PDF report lays out text with Qt's fonts: a QGuiApplication on the offscreen platform gives both
    // without a display. It gets no arguments of ours, and the C locale stays, so numbers print and parse the same
    // everywhere.
    qputenv("QT_QPA_PLATFORM", "offscreen");
    previousQtHandler = qInstallMessageHandler(quietQtMessages);
    int qtArgc = 1;
    char* qtArgv[] = {argv[0], nullptr};
    const QGuiApplication qt(qtArgc, qtArgv);
    std::setlocale(LC_ALL, "C");

    CLI::App app{"TinyForge Studio command line: distil, compress, export and deploy tiny models"};
    app.name("tinyforge-cli");
    app.set_version_flag("--version", TINYFORGE_VERSION);
    app.require_subcommand(1);

    tinyforge::cli::CommandAction selected;
    tinyforge::cli::addInspectCommand(app, selected);
    tinyforge::cli::addRunCommand(app, selected);
    tinyforge::cli::addSensitivityCommand(app, selected);
    tinyforge::cli::addExportCommand(app, selected);
    tinyforge::cli::addDeployCommand(app, selected);
    tinyforge::cli::addDiffCommand(app, selected);
    tinyforge::cli::addProbesCommand(app, selected);
    tinyforge::cli::addSchemaCommand(app, selected);
    tinyforge::cli::addReportCommand(app, selected);
    tinyforge::cli::addSweepCommand(app, selected);
    tinyforge::cli::addCacheCommand(app, selected);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
        return reportError(std::string(e.what()) + " (see tinyforge-cli --help)", kBadInput);
    }
    return runGuarded(selected);
}
