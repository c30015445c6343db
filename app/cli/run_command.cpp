#include <cstdio>
#include <iostream>
#include <optional>

#include <unistd.h>

#include "app/cli/cache_command.h"
#include "app/cli/cli_text.h"
#include "app/cli/commands.h"
#include "app/cli/repeat_runs.h"
#include "app/cli/run_progress.h"
#include "core/pipeline/run_recipe.h"
#include "core/recipe/recipe.h"

namespace tinyforge::cli {

namespace {

struct RunArguments {
    std::string recipe;
    std::string out;
    std::vector<std::string> overrides;
    bool resume = false;
    bool force = false;
    std::optional<int> seeds;
    StageCacheFlags cache;
};

void printModel(const char* name, const core::results::ModelResult& m) {
    std::printf("%-16s %-14s %12s %14s %12s %9.4f\n", name, m.arch.c_str(), withThousands(m.params).c_str(),
                m.macs ? withThousands(*m.macs).c_str() : "n/a", withThousands(m.bytes_fp32).c_str(), m.test_accuracy);
}

void printSummary(const core::results::RunSummary& s, const std::string& outDir) {
    const auto& d = s.dataset;
    std::printf("dataset  %s (%s): train %lld, val %lld, test %lld, %lld classes\n", d.name.c_str(), d.format.c_str(),
                static_cast<long long>(d.train), static_cast<long long>(d.val), static_cast<long long>(d.test), static_cast<long long>(d.classes));
    std::printf("%-16s %-14s %12s %14s %12s %9s\n", "model", "arch", "params", "MACs", "fp32 bytes", "test acc");
    if (s.teacher) printModel("teacher", *s.teacher);
    if (s.student_scratch) printModel("student_scratch", *s.student_scratch);
    if (s.student) printModel("student", *s.student);
    if (s.compressed) {
        const auto& c = *s.compressed;
        std::printf("%-16s %-14s %12s %14s %12s %9.4f  (float, weights on the grid; deployed bytes; sparsity %.1f%%, %d-bit weights, %s)\n",
                    "compressed", c.arch.c_str(),
                    withThousands(c.params).c_str(), "", withThousands(c.bytes_deployed).c_str(), c.test_accuracy, 100 * c.sparsity,
                    c.weight_bits, c.quantization.c_str());
        if (c.integer) {
            std::printf("%-16s %-14s %12s %14s %12s %9.4f  (the deployed figure: the integer-only reference, %s bytes arena)\n", "deployed", "", "", "",
                        withThousands(c.integer->parameter_bytes).c_str(), c.integer->test_accuracy,
                        withThousands(c.integer->activation_arena_bytes).c_str());
        }
        if (s.ratios && s.ratios->teacher_to_deployed) {
            std::printf("compression: %.1fx smaller than the fp32 teacher, %.1fx than the fp32 student\n", *s.ratios->teacher_to_deployed,
                        s.ratios->student_to_deployed);
        }
    }
    if (s.exports) {
        if (const auto& c = s.exports->c) {
            std::printf("export %-11s %s (flash %s bytes, arena %s bytes)\n", "c", c->dir.c_str(), withThousands(c->flash_bytes).c_str(),
                        withThousands(c->arena_bytes).c_str());
        }
        if (const auto& t = s.exports->torchscript) std::printf("export %-11s %s\n", "torchscript", t->dir.c_str());
        if (const auto& o = s.exports->onnx) std::printf("export %-11s %s\n", "onnx", o->dir.c_str());
    }
    std::printf("run folder: %s (summary.json, history.csv, models)\n", outDir.c_str());
}

std::string spreadText(const core::results::Spread& s) {
    char text[64];
    if (s.std) std::snprintf(text, sizeof text, "%.4f +- %.4f", s.mean, *s.std);
    else std::snprintf(text, sizeof text, "%.4f", s.mean);
    return text;
}

void printAggregate(const core::results::Aggregate& a, const std::string& outDir) {
    std::printf("%s over %zu seeds (", a.recipe.c_str(), a.seeds.size());
    for (std::size_t i = 0; i < a.seeds.size(); ++i) std::printf("%s%llu", i ? ", " : "", static_cast<unsigned long long>(a.seeds[i]));
    std::printf("): test accuracy, mean +- std\n");
    const std::pair<const char*, const std::optional<core::results::ModelSpread>*> models[] = {
        {"teacher", &a.teacher}, {"student_scratch", &a.student_scratch}, {"student", &a.student}, {"compressed", &a.compressed}};
    for (const auto& [name, model] : models) {
        if (*model) std::printf("%-16s %s%s\n", name, spreadText((*model)->test_accuracy).c_str(), std::string(name) == "compressed" ? "  (deployed)" : "");
    }
    if (a.teacher_to_deployed) std::printf("compression: %.1fx smaller than the fp32 teacher on the mean\n", a.teacher_to_deployed->mean);
    for (const auto& c : a.comparisons) {
        std::printf("%s - %s: %s;  McNemar p per seed:", c.first.c_str(), c.second.c_str(), spreadText(c.difference).c_str());
        for (const auto& s : c.per_seed) std::printf(" %.3g", s.p_value);
        std::printf("\n");
    }
    std::printf("aggregate: %s/aggregate.json; run folders: %s/seed-*\n", outDir.c_str(), outDir.c_str());
}

}  // namespace

void addRunCommand(CLI::App& app, CommandAction& selected) {
    auto args = std::make_shared<RunArguments>();
    CLI::App* command = app.add_subcommand("run", "Run a recipe: train the teacher, distil the student, write a run folder");
    command->add_option("recipe", args->recipe, "Recipe file (JSON); see docs/recipes.md")->required();
    command->add_option("--out", args->out, "Run folder (default: runs/<recipe name>)");
    command->add_option("--set", args->overrides, "Override a recipe field: key.path=value (repeatable)")
        ->take_all()
        ->allow_extra_args(false);
    auto* resume = command->add_flag("--resume", args->resume, "Continue an interrupted run of the same recipe from the checkpoints in the run folder");
    command->add_flag("--force", args->force, "Clear the run folder first when it holds an earlier run (without it, a non-empty folder is refused)")
        ->excludes(resume);
    command->add_option("--seeds", args->seeds, "Repeat under this many seeds (seed, seed + 1, ...) and write aggregate.json (default: the recipe's seeds)")
        ->check(CLI::Range(1, 100));
    args->cache.addTo(*command);
    command->callback([&selected, args] {
        selected = [args] {
            const auto recipe = core::recipe::loadRecipe(args->recipe, args->overrides);
            const std::string out = args->out.empty() ? "runs/" + recipe.name : args->out;
            const int seeds = args->seeds.value_or(recipe.seeds);
            if (seeds > 1) {
                RepeatPlan plan{args->recipe, args->overrides, out, recipe.seed, seeds, recipe.threads, args->resume, args->force,
                                 args->cache.arguments()};
                try {
                    printAggregate(runRepeats(plan), out);
                } catch (const RepeatsFailed& e) {
                    std::fprintf(stderr, "error: %s\n", e.what());
                    return e.exitStatus;
                }
                return 0;
            }
            RunProgress::catchInterrupt();
            RunProgress progress(isatty(STDERR_FILENO) != 0);
            const auto summary = core::pipeline::runRecipe(recipe, {out, args->resume, args->cache.settings(), args->force}, &progress);
            printSummary(summary, out);
            return 0;
        };
    });
}

}  // namespace tinyforge::cli
