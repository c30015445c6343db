// How long a comparison report of 50 runs takes to read and write (goal: under 2 s). The runs are written here in
// the shape of Fashion-MNIST runs: 10,000 test predictions per model, a device profile, 60 epochs of history.
//   bench_report_speed          writes in a temporary folder and removes it
//   bench_report_speed --keep   leaves the runs, report.html and report.pdf there to look at
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <QGuiApplication>

#include "core/results/predictions_file.h"
#include "core/results/summary_file.h"
#include "report/report_html.h"
#include "report/report_pdf.h"

namespace fs = std::filesystem;
using namespace tinyforge;

namespace {

void writeRun(const fs::path& dir, int index) {
    fs::create_directories(dir);
    core::results::RunSummary s;
    s.recipe = "fashion-distill";
    s.seed = 42 + static_cast<std::uint64_t>(index);
    s.dataset = {"fashion-mnist", "idx", "/usr/share/datasets/fashion-mnist", 54000, 6000, 10000, 10};
    core::results::ModelResult m;
    m.arch = "cnn-small";
    m.params = 390634;
    m.bytes_fp32 = 1564328;
    m.macs = 9000000;
    m.test_accuracy = 0.927;
    for (int l = 0; l < 6; ++l) m.layers.push_back({"layer" + std::to_string(l), "Conv2d", {16, 14, 14}, 4640, 900000});
    s.teacher = m;
    m.params = 60874;
    m.bytes_fp32 = 243496;
    m.test_accuracy = 0.92 - 0.0005 * index;
    s.student = m;
    s.student_scratch = m;
    core::results::CompressedResult c;
    c.arch = "cnn-small";
    c.bytes_deployed = 14000 + 100 * index;
    c.quantization = "qat";
    c.weight_bits = 8;
    c.integer = core::results::IntegerReference{0.915 - 0.0003 * index, 8, 15000, 20000};
    s.compressed = c;
    core::results::DeviceResult d;
    d.board = "stm32f405";
    d.backend = "qemu";
    d.measured_on = "emulator";
    d.count_unit = "instructions";
    d.latency_count = 2000000 + 1000 * index;
    d.samples = 20;
    d.identical = 20;
    s.devices.push_back(d);
    core::results::writeSummary(dir, s);
    core::results::Predictions p;
    for (int i = 0; i < 10000; ++i) {
        p.index.push_back(i);
        p.label.push_back(i % 10);
        for (const char* model : {"teacher", "student_scratch", "student", "deployed"}) p.byModel[model].push_back((i * 7 + index) % 13 == 0 ? (i + 1) % 10 : i % 10);
    }
    core::results::writePredictions(dir, p);
    std::ofstream history(dir / "history.csv");
    history << "model,epoch,loss,train_accuracy,val_accuracy,sparsity,deployed_bytes\n";
    for (int e = 1; e <= 60; ++e) history << (e <= 15 ? "teacher" : e <= 35 ? "student" : "compress_joint") << "," << e << ",0.3,0.9,0.91,0.5,14000\n";
    std::ofstream(dir / "recipe.json") << R"({"name": "fashion-distill", "distill": {"temperature": )" << (2 + index % 5) << "}}";
}

double secondsSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    const fs::path root = fs::temp_directory_path() / "tinyforge-report-bench";
    fs::remove_all(root);
    std::vector<fs::path> dirs;
    for (int i = 0; i < 50; ++i) {
        dirs.push_back(root / ("run-" + std::to_string(i)));
        writeRun(dirs.back(), i);
    }
    auto start = std::chrono::steady_clock::now();
    const auto runs = report::loadRuns(dirs);
    const double read = secondsSince(start);
    start = std::chrono::steady_clock::now();
    const auto blocks = report::reportBlocks(report::buildReport(runs, {}));
    const double build = secondsSince(start);
    start = std::chrono::steady_clock::now();
    report::writeHtmlReport(blocks, root / "report.html");
    const double html = secondsSince(start);
    start = std::chrono::steady_clock::now();
    const int pages = report::writePdfReport(blocks, root / "report.pdf", report::PaperSize::A4);
    const double pdf = secondsSince(start);
    std::printf("50 runs (10,000 test predictions each), wall-clock seconds on this machine:\n");
    std::printf("  read run folders      %.3f s\n  compute the report    %.3f s\n  write HTML            %.3f s (%.0f KB)\n", read, build, html,
                static_cast<double>(fs::file_size(root / "report.html")) / 1024);
    std::printf("  write PDF             %.3f s (%d pages, %.0f KB)\n  HTML total            %.3f s (goal < 2 s)\n  PDF total             %.3f s\n", pdf, pages,
                static_cast<double>(fs::file_size(root / "report.pdf")) / 1024, read + build + html, read + build + pdf);
    if (argc > 1 && std::string(argv[1]) == "--keep") std::printf("kept in %s\n", root.c_str());
    else fs::remove_all(root);
    return 0;
}
