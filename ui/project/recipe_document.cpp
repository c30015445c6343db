#include "ui/project/recipe_document.h"

#include "core/error.h"
#include "core/io/file_bytes.h"
#include "core/io/json_text.h"
#include "core/recipe/project_file.h"
#include "core/recipe/recipe.h"
#include "core/resources.h"

namespace tinyforge::ui {

namespace {

std::vector<std::string> splitPath(const std::string& path) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
        const auto dot = path.find('.', start);
        parts.push_back(path.substr(start, dot - start));
        if (dot == std::string::npos) return parts;
        start = dot + 1;
    }
}

}  // namespace

RecipeDocument::RecipeDocument(QObject* parent) : QObject(parent), m_recipe(bundledIrisRecipe()) {}

nlohmann::json RecipeDocument::bundledIrisRecipe() {
    const auto file = core::resourceDir() / "recipes" / "iris-distill.json";
    nlohmann::json recipe = core::io::readJsonFile(file);
    // Paths relative to the recipe's folder become absolute, so the project runs from any folder.
    const auto path = recipe["dataset"]["path"].get<std::string>();
    recipe["dataset"]["path"] = std::filesystem::weakly_canonical(file.parent_path() / path).string();
    return recipe;
}

nlohmann::json RecipeDocument::value(const std::string& path, const nlohmann::json& fallback) const {
    const nlohmann::json* node = &m_recipe;
    for (const auto& part : splitPath(path)) {
        if (!node->is_object() || !node->contains(part)) return fallback;
        node = &(*node)[part];
    }
    return *node;
}

void RecipeDocument::setValue(const std::string& path, const nlohmann::json& value) {
    if (this->value(path) == value) return;
    nlohmann::json* node = &m_recipe;
    for (const auto& part : splitPath(path)) {
        if (!node->is_object()) *node = nlohmann::json::object();
        node = &(*node)[part];
    }
    *node = value;
    setModified(true);
    emit changed();
}

void RecipeDocument::remove(const std::string& path) {
    const auto parts = splitPath(path);
    nlohmann::json* node = &m_recipe;
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
        if (!node->is_object() || !node->contains(parts[i])) return;
        node = &(*node)[parts[i]];
    }
    if (node->is_object() && node->erase(parts.back()) > 0) {
        setModified(true);
        emit changed();
    }
}

void RecipeDocument::reset(nlohmann::json recipe) {
    m_recipe = std::move(recipe);
    m_file.clear();
    setModified(false);
    emit changed();
}

void RecipeDocument::replace(nlohmann::json recipe) {
    if (recipe == m_recipe) return;
    m_recipe = std::move(recipe);
    setModified(true);
    emit changed();
}

void RecipeDocument::save(const QString& file, const nlohmann::json& ui) {
    const std::string text = core::recipe::projectFileText(m_recipe, ui);
    core::io::writeFileAtomically(file.toStdString(), text.data(), text.size());  // never a half-written project
    m_file = file;
    setModified(false);
}

nlohmann::json RecipeDocument::open(const QString& file) {
    // Checked whole before anything changes: a broken file names its fault and the open project stays as it was.
    auto project = core::recipe::readProjectFile(file.toStdString());
    m_recipe = std::move(project.recipe);
    m_file = file;
    setModified(false);
    emit changed();
    return project.ui;
}

void RecipeDocument::setModified(bool modified) {
    if (m_modified == modified) return;
    m_modified = modified;
    emit modifiedChanged(modified);
}

}  // namespace tinyforge::ui
