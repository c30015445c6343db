#include <cstdio>
#include <sstream>

#include "app/cli/commands.h"
#include "core/compress/sensitivity.h"
#include "core/error.h"
#include "core/io/file_bytes.h"
#include "core/pipeline/run_folder.h"

namespace tinyforge::cli {

namespace {

struct SensitivityArguments {
    std::string run;
    std::string model = "student";
    std::string sparsities = "0.25,0.5,0.75,0.9,0.95";
    std::string split = "val";
    std::string out;
};

std::vector<double> parseSparsities(const std::string& text) {
    std::vector<double> out;
    std::stringstream list(text);
    for (std::string item; std::getline(list, item, ',');) {
        char* end = nullptr;
        const double s = std::strtod(item.c_str(), &end);
        if (item.empty() || *end != '\0' || !(s >= 0 && s < 1)) {
            throw SettingsError("--sparsities: '" + item + "' is not a sparsity in [0, 1)");
        }
        out.push_back(s);
    }
    return out;
}

}  // namespace

void addSensitivityCommand(CLI::App& app, CommandAction& selected) {
    auto args = std::make_shared<SensitivityArguments>();
    CLI::App* command = app.add_subcommand("sensitivity", "Per-layer pruning sensitivity of a run's model, as a CSV table");
    command->add_option("run", args->run, "Run folder (made by tinyforge-cli run)")->required();
    command->add_option("--model", args->model, "teacher, student or student_scratch")->capture_default_str();
    command->add_option("--sparsities", args->sparsities, "Comma-separated sparsities to try")->capture_default_str();
    command->add_option("--split", args->split, "val or test")->check(CLI::IsMember({"val", "test"}))->capture_default_str();
    command->add_option("--out", args->out, "CSV file (default: RUN/sensitivity-MODEL.csv)");
    command->callback([&selected, args] {
        selected = [args] {
            const auto sparsities = parseSparsities(args->sparsities);
            const core::pipeline::RunFolder run(args->run);
            auto model = run.model(args->model);
            const auto& splits = run.dataset().splits;
            const auto& indices = args->split == "test" || splits.val.empty() ? splits.test : splits.val;
            const auto rows = core::compress::pruningSensitivity(model, run.dataset(), indices, sparsities);
            const std::string csv = core::compress::sensitivityCsv(rows);
            const std::string out = args->out.empty() ? (run.dir() / ("sensitivity-" + args->model + ".csv")).string() : args->out;
            core::io::writeFileAtomically(out, csv.data(), csv.size());
            std::fputs(csv.c_str(), stdout);
            std::fprintf(stderr, "wrote %s\n", out.c_str());
            return 0;
        };
    });
}

}  // namespace tinyforge::cli
