#include "core/pipeline/run_folder.h"

#include "core/data/load_dataset.h"
#include "core/error.h"
#include "core/io/json_text.h"
#include "core/pipeline/run_folder_guard.h"
#include "core/results/quantization_file.h"
#include "core/quantized/lower_model.h"

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
    checkModelSource(dir_, name, recipeKey(recipe_.resolved));
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

RunFolder::Quantization RunFolder::quantization() const {
    const fs::path file = dir_ / "compressed.json";
    if (!fs::is_regular_file(file)) {
        throw DataError(file, "", "this run has no quantized model (its recipe needs a quantize section)");
    }
    Quantization q;
    results::QuantizationFile stored;
    try {
        contract::fromJson(io::readJsonFile(file), stored);
    } catch (const contract::ContractError& e) {
        throw DataError(file, e.path(), e.problem());
    }
    q.weightBits = stored.weight_bits;
    if (q.weightBits < 2 || q.weightBits > 8 || stored.activation_bits < 2 || stored.activation_bits > 8) {
        throw DataError(file, "weight_bits", "bit widths must be from 2 to 8");
    }
    for (const auto& p : stored.activation_points) {
        compress::QuantParams params;
        params.scale = static_cast<float>(p.scale);
        params.zeroPoint = p.zero_point;
        params.qmin = -(1 << (stored.activation_bits - 1));
        params.qmax = (1 << (stored.activation_bits - 1)) - 1;
        if (!(params.scale > 0) || params.zeroPoint < params.qmin || params.zeroPoint > params.qmax) {
            throw DataError(file, "activation_points", "scale or zero point out of range");
        }
        q.points.push_back(params);
    }
    return q;
}

quantized::IntModel RunFolder::integerModel() const {
    const auto q = quantization();
    const auto model = this->model("compressed");
    try {
        return quantized::lowerToIntModel(model, q.points, q.weightBits);
    } catch (const DataError&) {
        throw;
    } catch (const Error& e) {
        throw DataError(dir_ / "compressed.json", "", e.what());
    }
}

}  // namespace tinyforge::core::pipeline
