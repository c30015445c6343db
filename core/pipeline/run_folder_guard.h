#pragma once
// Keeps run folders from mixing runs. A run starts only in an empty folder, continues (--resume) only the run that
// folder holds, and clears a folder (--force) only when it is a run folder. Every model file a run writes is
// recorded in DIR/models.json with the key of the recipe it came from, so that export and deployment refuse a
// model left behind by another run. Plain C++ (no LibTorch), so that tests and fuzzers build it cheaply.

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace tinyforge::core::pipeline {

enum class FolderUse {
    Fresh,   ///< the folder must be empty or missing
    Resume,  ///< the folder must be empty, missing, or hold a run of the same recipe
    Force,   ///< a run folder is cleared first; any other non-empty folder is refused
};

/// The recipe settings that decide what a run produces: the resolved recipe without the fields that change only
/// how it runs (threads, seeds) or what is written afterwards (export).
nlohmann::json runIdentity(const nlohmann::json& resolvedRecipe);

/// SHA-256 of runIdentity(resolvedRecipe): the key models.json records for each model.
std::string recipeKey(const nlohmann::json& resolvedRecipe);

/// Makes `dir` ready for a run of `resolvedRecipe` as `use` asks, creating it when missing. Files that the process
/// which launched the run writes first (run.log, status.json) do not make a folder non-empty. Throws SettingsError
/// naming the folder when it holds something else (Fresh), another recipe's run (Resume, naming the settings that
/// differ), or is not a run folder (Force).
void prepareRunFolder(const std::filesystem::path& dir, const nlohmann::json& resolvedRecipe, FolderUse use);

/// True when `dir` holds a run: recipe.json, summary.json or checkpoints/.
bool holdsRun(const std::filesystem::path& dir);

/// Records in DIR/models.json that DIR/NAME.pt was written by a run of the recipe with key `key`.
void recordModelSource(const std::filesystem::path& dir, const std::string& name, const std::string& key);

/// Throws DataError naming DIR/NAME.pt when models.json records it as written by a recipe other than `key`, or
/// models.json exists and does not list it (a file left from another run). Folders written before models.json
/// existed (no such file) pass.
void checkModelSource(const std::filesystem::path& dir, const std::string& name, const std::string& key);

/// Differences between two JSON documents as "a.b: old -> new" lines (at most `limit`, then "...").
std::string describeDifferences(const nlohmann::json& before, const nlohmann::json& after, std::size_t limit = 6);

}  // namespace tinyforge::core::pipeline
