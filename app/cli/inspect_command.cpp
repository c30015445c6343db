#include <iostream>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "app/cli/commands.h"
#include "core/data/format_registry.h"
#include "core/data/load_dataset.h"
#include "core/data/summary_json.h"

namespace tinyforge::cli {

namespace {

void addDatasetOptions(CLI::App& command, core::data::LoadOptions& options) {
    const auto ids = core::data::FormatRegistry::builtin().ids();
    std::string formats = "auto";
    for (const auto& id : ids) formats += ", " + id;
    command.add_option("--format", options.format, "Dataset format: " + formats)->capture_default_str();
    command.add_option("--label-column", options.labelColumn, "csv: label column name (default: the last)");
    command.add_option("--val", options.valFraction, "Fraction of each class's training samples for validation")
        ->capture_default_str();
    command.add_option("--test", options.testFraction, "Test fraction, for formats without an official test split")
        ->capture_default_str();
    command.add_option("--seed", options.seed, "Seed for the splits")->capture_default_str();
    command.add_option("--width", options.imageWidth, "folder: resize images to this width")->capture_default_str();
    command.add_option("--height", options.imageHeight, "folder: resize images to this height")->capture_default_str();
    command.add_option("--channels", options.imageChannels, "folder: 1 grayscale, 3 colour, 0 as the first image")
        ->capture_default_str();
    command.add_option("--cifar100-labels", options.cifar100Labels, "cifar100: fine or coarse")->capture_default_str();
}

// A terminal shows a live line for long loads; pipes and files get nothing, so the JSON on stdout stays clean.
class StderrProgress final : public ProgressObserver {
public:
    void onProgress(const ProgressEvent& event) override {
        if (event.total <= 0) return;
        std::cerr << "\r" << event.stage << ": " << event.done << "/" << event.total << "   " << std::flush;
        dirty_ = true;
    }
    ~StderrProgress() override {
        if (dirty_) std::cerr << "\r\033[K" << std::flush;
    }

private:
    bool dirty_ = false;
};

}  // namespace

void addInspectCommand(CLI::App& app, CommandAction& selected) {
    auto options = std::make_shared<core::data::LoadOptions>();
    CLI::App* command = app.add_subcommand("inspect", "Load a dataset and print its description as JSON");
    command->add_option("path", options->path, "Dataset file or folder")->required();
    addDatasetOptions(*command, *options);
    command->callback([&selected, options] {
        selected = [options] {
            std::unique_ptr<ProgressObserver> progress;
            if (isatty(STDERR_FILENO)) progress = std::make_unique<StderrProgress>();
            const auto dataset = core::data::loadDataset(*options, progress.get());
            progress.reset();
            std::cout << core::data::datasetSummary(dataset).dump(2) << std::endl;
            return 0;
        };
    });
}

}  // namespace tinyforge::cli
