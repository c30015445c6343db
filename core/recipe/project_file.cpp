#include "core/recipe/project_file.h"

#include "core/error.h"
#include "core/io/json_text.h"
#include "core/recipe/recipe.h"

namespace tinyforge::core::recipe {

namespace {

constexpr const char* kFormat = "tinyforge-project";
constexpr std::uint64_t kMaxProjectBytes = 16ull << 20;

}  // namespace

ProjectFile readProjectFile(const std::filesystem::path& file) {
    const nlohmann::json project = io::readJsonFile(file, kMaxProjectBytes);  // bounded size and nesting
    const auto format = project.is_object() ? project.find("format") : project.end();
    const auto recipe = project.is_object() ? project.find("recipe") : project.end();
    if (format == project.end() || *format != kFormat || recipe == project.end() || !recipe->is_object()) {
        throw DataError(file, "", "not a TinyForge project (no \"format\": \"tinyforge-project\" with a \"recipe\" object)");
    }
    ProjectFile out;
    if (const auto ui = project.find("ui"); ui != project.end()) {
        if (!ui->is_object()) throw DataError(file, "ui", "expected an object");
        if (const auto page = ui->find("page"); page != ui->end() && !(page->is_number_integer() && *page >= 0 && *page < 100)) {
            throw DataError(file, "ui.page", "expected a page number from 0 to 99");
        }
        if (const auto dataset = ui->find("dataset"); dataset != ui->end() && !dataset->is_string()) {
            throw DataError(file, "ui.dataset", "expected a path as a string");
        }
        out.ui = *ui;
    }
    // The recipe must parse as the engine reads it, so a broken file never replaces a working project.
    parseRecipe(*recipe, file, file.parent_path());
    out.recipe = *recipe;
    return out;
}

std::string projectFileText(const nlohmann::json& recipe, const nlohmann::json& ui) {
    const nlohmann::json project{{"format", kFormat}, {"version", 1}, {"recipe", recipe}, {"ui", ui}};
    return project.dump(2) + "\n";
}

}  // namespace tinyforge::core::recipe
