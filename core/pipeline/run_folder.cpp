#include "core/pipeline/run_folder.h"

#include "core/data/load_dataset.h"
#include "core/error.h"

namespace tinyforge::core::pipeline {

namespace fs = std::filesystem;

RunFolder::RunFolder(const fs::path& dir) : dir_(dir) {
    if (!fs::is_regular_file(dir / "recipe.json")) {
        throw DataError(dir, "", "not a run folder (no recipe.json; runs are made by tinyforge-cli run)");
    }
    recipe_ = recipe::loadRecipe(dir / "recipe.json");
    dataset_ = data::loadDataset(recipe_.dataset);
}

models::Model RunFolder::model(const std::string& name) const {
    const fs::path file = dir_ / (name + ".pt");
    if (!fs::is_regular_file(file)) throw DataError(file, "", "no such model in this run");
    const bool isTeacher = name.starts_with("teacher");
    std::size_t index = 0;
    if (isTeacher && name.size() > 7) index = std::stoul(name.substr(7)) - 1;  // teacher2 -> the second
    if (isTeacher && index >= recipe_.teachers.size()) throw DataError(file, "", "the recipe has no such teacher");
    const auto& spec = isTeacher ? recipe_.teachers[index].spec : recipe_.student.spec;
    if (!spec.torchscript.empty()) {
        return models::Model::importTorchScript(spec.torchscript, dataset_.samples.sampleShape, dataset_.classCount());
    }
    auto model = models::Model::build(spec, dataset_.samples.sampleShape, dataset_.classCount(), recipe_.seed, name);
    model.load(file);
    return model;
}

}  // namespace tinyforge::core::pipeline
