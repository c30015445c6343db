#include <cstdio>

#include "app/cli/commands.h"
#include "core/error.h"
#include "core/recipe/recipe_schema.h"
#include "core/results/run_summary.h"
#include "core/sweep/sweep_plan.h"
#include "report/sweep_table.h"

namespace tinyforge::cli {

void addSchemaCommand(CLI::App& app, CommandAction& selected) {
    struct Arguments {
        std::string which;
        std::string format = "json";
    };
    auto args = std::make_shared<Arguments>();
    CLI::App* command = app.add_subcommand("schema", "Print the JSON Schema (draft 2020-12) of summary.json, recipe files, sweep files or a sweep's table.json");
    command->add_option("which", args->which, "summary: a run's summary.json; recipe: recipe files; sweep: sweep files; sweep-table: a sweep's table.json")
        ->required()
        ->check(CLI::IsMember({"summary", "recipe", "sweep", "sweep-table"}));
    command->add_option("--format", args->format, "json: a JSON Schema; markdown: the recipe reference table (recipe only)")
        ->check(CLI::IsMember({"json", "markdown"}))
        ->capture_default_str();
    command->callback([&selected, args] {
        selected = [args] {
            if (args->format == "markdown") {
                if (args->which != "recipe") throw SettingsError("schema: --format markdown is for the recipe reference");
                std::fputs(core::recipe::recipeMarkdown().c_str(), stdout);
                return 0;
            }
            const auto schema = args->which == "summary"       ? core::results::summarySchema()
                                : args->which == "sweep"       ? core::sweep::sweepSchema()
                                : args->which == "sweep-table" ? core::contract::documentSchema<report::SweepTable>(
                                                                     "https://tinyforge.invalid/schema/sweep-table.json", "TinyForge sweep table")
                                                               : core::recipe::recipeJsonSchema();
            std::printf("%s\n", schema.dump(2).c_str());
            return 0;
        };
    });
}

}  // namespace tinyforge::cli
