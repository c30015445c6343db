// tinyforge-cli report: a comparison report of run folders as one HTML file or a PDF.
#include <QDateTime>

#include <cstdio>

#include "app/cli/commands.h"
#include "core/error.h"
#include "report/report_html.h"
#include "report/report_pdf.h"

namespace tinyforge::cli {

void writeReport(const std::vector<std::filesystem::path>& dirs, const std::filesystem::path& out, const std::string& baseline, const std::string& paper) {
    const auto extension = out.extension().string();
    if (extension != ".html" && extension != ".pdf") throw SettingsError("--out " + out.string() + ": the file must end in .html or .pdf");
    report::ReportOptions options;
    if (!baseline.empty()) options.baseline = baseline;
    options.version = TINYFORGE_VERSION;
    options.generated = QDateTime::currentDateTime().toString(Qt::ISODate).toStdString();
    const auto blocks = report::reportBlocks(report::buildReport(report::loadRuns(dirs), options));
    if (extension == ".html") {
        report::writeHtmlReport(blocks, out);
        std::fprintf(stderr, "wrote %s\n", out.c_str());
    } else {
        const int pages = report::writePdfReport(blocks, out, report::paperSizeFromText(paper));
        std::fprintf(stderr, "wrote %s (%d pages)\n", out.c_str(), pages);
    }
}

void addReportCommand(CLI::App& app, CommandAction& selected) {
    struct Arguments {
        std::vector<std::string> runs;
        std::string baseline, out, paper = "a4";
    };
    auto args = std::make_shared<Arguments>();
    CLI::App* command = app.add_subcommand("report", "Compare run folders in one self-contained HTML page or a PDF");
    command->add_option("runs", args->runs, "Run folders (a folder of repeats stands for its seeds' runs)")->required();
    command->add_option("--baseline", args->baseline, "The run whose teacher every model is tested against (default: the first)");
    command->add_option("--out", args->out, "FILE.html or FILE.pdf")->required();
    command->add_option("--paper", args->paper, "PDF page size: a4 or letter")->check(CLI::IsMember({"a4", "letter"}, CLI::ignore_case));
    command->callback([&selected, args] {
        selected = [args] {
            writeReport(std::vector<std::filesystem::path>(args->runs.begin(), args->runs.end()), args->out, args->baseline, args->paper);
            return 0;
        };
    });
}

}  // namespace tinyforge::cli
