#pragma once
// The window's project file (.tfproj): {"format": "tinyforge-project", "version": 1, "recipe": {...}, "ui": {...}}.
// Read here, without Qt, so the file a colleague sends is checked by the same code in the window, the tests and the
// fuzz target.

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace tinyforge::core::recipe {

struct ProjectFile {
    nlohmann::json recipe;                          ///< parses as the engine reads it
    nlohmann::json ui = nlohmann::json::object();   ///< the window's state; "page" and "dataset" checked when present
};

/// Reads and checks a project file: bounded size and nesting, the format marker, a recipe that parses (paths relative
/// to the file's folder), and the known "ui" fields' types. Throws DataError or RecipeError naming the file and field.
ProjectFile readProjectFile(const std::filesystem::path& file);

/// The text of a project file holding `recipe` and `ui`.
std::string projectFileText(const nlohmann::json& recipe, const nlohmann::json& ui);

}  // namespace tinyforge::core::recipe
