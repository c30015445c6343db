#pragma once
// Subcommands of tinyforge-cli. Each registers itself on the app and, when the user picks it, leaves the
// action to run in `selected`; main() runs it inside the one error boundary.

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace tinyforge::cli {

/// What a subcommand does once parsed; returns the process exit status.
using CommandAction = std::function<int()>;

/// `inspect PATH [--format ID] ...`: prints the dataset's JSON description.
void addInspectCommand(CLI::App& app, CommandAction& selected);

/// `run RECIPE [--out DIR] [--set key=value ...] [--resume]`: runs a recipe and writes a run folder.
void addRunCommand(CLI::App& app, CommandAction& selected);

/// `sensitivity RUN [--model M] [--sparsities LIST] [--split val|test] [--out FILE]`: per-layer pruning sensitivity.
void addSensitivityCommand(CLI::App& app, CommandAction& selected);

/// `export RUN [--format c] [--out DIR] [--prefix ID]`: exports a run's compressed model and its test vectors.
void addExportCommand(CLI::App& app, CommandAction& selected);

/// `deploy RUN --board ID [--backend qemu|dfu|stlink]`: firmware for a board, run there and profiled.
void addDeployCommand(CLI::App& app, CommandAction& selected);
/// `diff RUN --board ID [--sample N]`: every op's output on the board beside the integer reference's; names the first
/// op that differs (exit 3 when one does).
void addDiffCommand(CLI::App& app, CommandAction& selected);
/// `probes`: the connected ST-Link probes and DFU bootloaders, as JSON.
void addProbesCommand(CLI::App& app, CommandAction& selected);

/// `report RUN... --out FILE.html|FILE.pdf [--baseline RUN] [--paper a4|letter]`: a comparison report of runs.
void addReportCommand(CLI::App& app, CommandAction& selected);

/// `sweep SWEEP.json [--out DIR] [--jobs N] [--executor local|slurm] [--resume]`, and the executors' `sweep-point DIR
/// --point ID` and `sweep-collect DIR`.
void addSweepCommand(CLI::App& app, CommandAction& selected);

/// Writes a report of `dirs` (runs, repeats or sweep folders) to `out` (.html or .pdf); `baseline` may be empty.
void writeReport(const std::vector<std::filesystem::path>& dirs, const std::filesystem::path& out, const std::string& baseline, const std::string& paper);

/// `cache ls|clear [--cache DIR]`: the stage cache's entries, or none.
void addCacheCommand(CLI::App& app, CommandAction& selected);

/// `schema summary|recipe [--format json|markdown]`: the JSON Schema of summary.json or of recipe files.
void addSchemaCommand(CLI::App& app, CommandAction& selected);

}  // namespace tinyforge::cli
