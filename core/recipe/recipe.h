#pragma once
// A recipe: everything a run needs (dataset, teacher, student, training, distillation, seed), read from JSON.
// The GUI and tinyforge-cli run the same files. Schema: docs/recipes.md.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/compress/compression_settings.h"
#include "core/data/load_options.h"
#include "core/models/architecture.h"
#include "core/train/train_settings.h"

namespace tinyforge::core::recipe {

/// A teacher or the student: what to build (or import) and, optionally, its own training settings.
struct ModelRecipe {
    models::ArchitectureSpec spec;
    train::TrainSettings train;  ///< the recipe's "train" section with this model's "train" overrides applied
};

struct Recipe {
    std::filesystem::path file;  ///< where it was read from (empty for one built in memory)
    std::string name = "run";
    std::uint64_t seed = 42;
    int threads = 0;  ///< LibTorch intra-op threads; 0 = the machine's cores
    int seeds = 1;    ///< repeats under seed, seed + 1, ... (tinyforge-cli run; each repeat is a run of its own)
    data::LoadOptions dataset;
    std::vector<ModelRecipe> teachers;  ///< one teacher, or several whose logits are averaged (an ensemble)
    ModelRecipe student;
    train::DistillSettings distill;
    bool studentScratch = false;  ///< also train the student from labels alone, as a baseline
    compress::CompressionSettings compression;  ///< prune, cluster, quantize: run on the distilled student
    std::vector<std::string> exportFormats;     ///< "export.formats": written at the end of the run (c, torchscript, onnx)
    std::string exportPrefix = "tf_model";      ///< "export.prefix": the C API's prefix
    bool exportDenseWeights = false;            ///< "export.weights": "dense" (plain int8) rather than "smallest"
    std::optional<std::int64_t> exportFlashBudget;  ///< "export.flash_budget": the C model's constant data, in bytes
    bool exportSoftmax = false;                 ///< "export.softmax": the C model ends in an int8 softmax
    nlohmann::json resolved;      ///< the recipe after overrides, with absolute paths: saved in the run folder
};

/// Validates `json` against the schema and builds a Recipe. Relative paths are resolved against `baseDir`.
/// Throws RecipeError "<file>: <field.path>: <problem>" for a wrong type, an unknown key or architecture, or an
/// impossible value (temperature <= 0, alpha outside [0, 1], ...).
Recipe parseRecipe(const nlohmann::json& json, const std::filesystem::path& file, const std::filesystem::path& baseDir);

/// Reads a recipe file, applies `overrides` ("dotted.path=value") and parses it. Paths in the file are relative to
/// its folder; paths in overrides are relative to the current directory. Throws RecipeError.
Recipe loadRecipe(const std::filesystem::path& file, const std::vector<std::string>& overrides = {});

/// Sets the field at a dotted path ("distill.temperature=4", "teacher.0.arch=resnet8") in `json`. The field table
/// (recipe_schema.h) says how the value is read: text, choice and path fields take it as a string (relative paths
/// made absolute against the current directory), a list-of-text field takes a bare word as a list of one, and every
/// other value is read as JSON when it parses (numbers, true, [16, 32]) and as a string otherwise. Throws
/// RecipeError for a malformed assignment; the parser then checks the value as it checks a file's.
void applyOverride(nlohmann::json& json, const std::string& assignment);

}  // namespace tinyforge::core::recipe
