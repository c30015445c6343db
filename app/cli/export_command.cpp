#include <cstdio>

#include "app/cli/commands.h"
#include "core/pipeline/export_run.h"

namespace tinyforge::cli {

namespace {
struct ExportArguments {
    std::string run;
    core::pipeline::ExportOptions options;
    std::string out;
    std::string weights = "smallest";
    std::int64_t flashBudget = 0;
};
}  // namespace

void addExportCommand(CLI::App& app, CommandAction& selected) {
    auto args = std::make_shared<ExportArguments>();
    CLI::App* command = app.add_subcommand("export", "Export a run's models: C for microcontrollers, TorchScript or ONNX");
    command->add_option("run", args->run, "Run folder (made by tinyforge-cli run, with a quantize section)")->required();
    command->add_option("--format", args->options.format,
                        "c: a C99 library with integer-only kernels; torchscript or onnx: the float student and the compressed model")
        ->check(CLI::IsMember({"c", "torchscript", "onnx"}))
        ->capture_default_str();
    command->add_option("--out", args->out, "Output folder (default: RUN/export/FORMAT)");
    command->add_option("--prefix", args->options.prefix, "Prefix of the generated C API")->capture_default_str();
    command->add_option("--embedded-vectors", args->options.embeddedVectors, "Test samples compiled into tf_test_vectors.c")
        ->check(CLI::Range(1, 100000))
        ->capture_default_str();
    command->add_option("--weights", args->weights,
                        "C: smallest stores each layer in its smallest encoding (sparse, clustered: decoded on the fly); "
                        "dense stores plain int8 (fastest, most flash)")
        ->check(CLI::IsMember({"smallest", "dense"}))
        ->capture_default_str();
    auto* budget = command->add_option("--flash-budget", args->flashBudget,
                                       "C: bytes the model's constant data (TF_MODEL_FLASH_BYTES) may take; each layer gets the fastest "
                                       "encoding and kernel that keep it within (default: every layer's smallest encoding)")
                       ->check(CLI::Range(std::int64_t{1}, std::int64_t{1} << 40));
    command->add_flag("--softmax", args->options.softmax,
                      "C: end the model in an int8 softmax (probabilities, scale 1/256) instead of logits");
    budget->excludes(command->get_option("--weights"));
    command->callback([&selected, args] {
        selected = [args] {
            const core::pipeline::RunFolder run(args->run);
            args->options.outDir = args->out;
            args->options.denseWeights = args->weights == "dense";
            if (args->flashBudget > 0) args->options.flashBudget = args->flashBudget;
            const auto written = core::pipeline::exportRun(run, args->options);
            // stdout: the format's entry as summary.json records it
            std::printf("%s\n", core::contract::toJson(written).begin()->dump(2).c_str());
            if (const auto& c = written.c) {
                std::fprintf(stderr, "exported to %s (flash %lld bytes, arena %lld bytes)\n", c->dir.c_str(), static_cast<long long>(c->flash_bytes),
                             static_cast<long long>(c->arena_bytes));
                for (const auto& layer : c->layers.value_or(std::vector<core::results::CExportLayer>{})) {  // what each layer got, and why
                    if (!layer.kernel) continue;
                    std::fprintf(stderr, "  %-24s %-20s %7lld bytes  %-6s kernel  %s\n", layer.name.c_str(), layer.encoding.value_or("").c_str(),
                                 static_cast<long long>(layer.weight_bytes), layer.kernel->c_str(), layer.reason.value_or("").c_str());
                }
            } else {
                const auto& files = written.onnx ? *written.onnx : *written.torchscript;
                std::fprintf(stderr, "exported to %s\n", files.dir.c_str());
            }
            return 0;
        };
    });
}

}  // namespace tinyforge::cli
