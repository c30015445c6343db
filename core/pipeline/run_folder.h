#pragma once
// Reopens a finished run folder: its recipe, its dataset, and any of its trained models, for the commands that
// work on runs (sensitivity analysis, export, deployment).

#include <filesystem>
#include <string>

#include "core/data/dataset.h"
#include "core/models/model.h"
#include "core/quantized/int_model.h"
#include "core/recipe/recipe.h"

namespace tinyforge::core::pipeline {

class RunFolder {
public:
    /// Reads DIR/recipe.json and loads its dataset. Throws DataError when DIR is not a run folder.
    explicit RunFolder(const std::filesystem::path& dir);

    const recipe::Recipe& recipe() const { return recipe_; }
    const data::Dataset& dataset() const { return dataset_; }
    const std::filesystem::path& dir() const { return dir_; }

    /// The model saved as DIR/NAME.pt ("teacher", "student", "student_scratch"), rebuilt from the recipe.
    /// Throws DataError naming the file when it is missing or does not match the recipe's architecture.
    models::Model model(const std::string& name) const;

    /// The compressed model's quantization from DIR/compressed.json: each activation point's parameters and the
    /// weight bit width. Throws DataError naming the file when the run has no quantized model or it is damaged.
    struct Quantization {
        std::vector<compress::QuantParams> points;
        int weightBits = 8;
    };
    Quantization quantization() const;

    /// The compressed model's integer-only network, from DIR/compressed.pt and the activation parameters in
    /// DIR/compressed.json. Throws DataError naming the file when the run has no quantized model or it is damaged.
    quantized::IntModel integerModel() const;

private:
    std::filesystem::path dir_;
    recipe::Recipe recipe_;
    data::Dataset dataset_;
};

}  // namespace tinyforge::core::pipeline
