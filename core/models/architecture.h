#pragma once
// The built-in network architectures, by fixed id, and how a recipe chooses one.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace tinyforge::core::models {

/// An architecture id and its options, as a recipe's "teacher" or "student" section gives them:
/// {"arch": "mlp", "hidden": [64, 64]}, {"arch": "cnn-small", "channels": [16, 32]},
/// {"arch": "mobilenet-v1", "width": 0.25}, or {"torchscript": "model.pt"} for a model trained elsewhere.
struct ArchitectureSpec {
    std::string arch;          ///< a registry id; empty when torchscript is set
    std::string torchscript;   ///< path of a TorchScript file, for imported models
    nlohmann::json options = nlohmann::json::object();  ///< architecture-specific options
};

struct ArchitectureInfo {
    std::string id;
    std::string description;
    std::vector<std::string> options;  ///< option names it accepts
    bool needsImages = false;          ///< true for convolutional networks: the input must be C, H, W
    /// Options given as one whole number where the recipe table's field is a list ("channels" of ds-cnn).
    std::vector<std::string> wholeNumberOptions = {};
};

/// Every built-in architecture, in a fixed order: mlp, lenet5, cnn-small, resnet8, resnet20, mobilenet-v1, ds-cnn.
const std::vector<ArchitectureInfo>& architectures();

/// The architecture with `id`; throws RecipeError naming `fieldPath` and listing the ids when there is none.
const ArchitectureInfo& findArchitecture(const std::string& id, const std::string& fieldPath);

/// Checks that `spec` names a known architecture and only options it accepts; throws RecipeError naming
/// `fieldPath` (e.g. "recipe.json: student") otherwise. Option values are checked when the model is built.
void checkArchitectureOptions(const ArchitectureSpec& spec, const std::string& fieldPath);

}  // namespace tinyforge::core::models
