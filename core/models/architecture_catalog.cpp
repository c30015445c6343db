// The catalogue of built-in architectures: ids, descriptions and the options each accepts. Kept apart from the
// builders (architectures.cpp) so a recipe is checked without LibTorch: the CLI's validate, the fuzz targets and
// the sanitizer build parse recipes with this alone.

#include <algorithm>

#include "core/error.h"
#include "core/models/architecture.h"

namespace tinyforge::core::models {

namespace {

const std::vector<ArchitectureInfo> kArchitectures{
    {"mlp", "multi-layer perceptron for tables (or flattened images); hidden: widths", {"hidden"}, false},
    {"lenet5", "LeNet-5 (LeCun et al. 1998): two 5x5 convolutions, three dense layers; pool: max or avg", {"pool"}, true},
    {"cnn-small", "conv3x3-BN-ReLU-pool stages; channels: per stage, hidden: optional dense width, pool: max or avg",
     {"channels", "hidden", "pool"}, true},
    {"resnet8", "ResNet-8, the MLPerf Tiny image-classification model; channels: per stage", {"channels"}, true},
    {"resnet20", "ResNet-20 for CIFAR (He et al. 2016): 3 stages of 3 residual blocks", {"channels"}, true},
    {"mobilenet-v1", "MobileNet-v1 (Howard et al. 2017), depthwise-separable; width: multiplier", {"width"}, true},
    {"ds-cnn", "DS-CNN, the MLPerf Tiny keyword-spotting model; channels, blocks", {"channels", "blocks"}, true, {"channels"}},
};

}  // namespace

void checkArchitectureOptions(const ArchitectureSpec& spec, const std::string& fieldPath) {
    const ArchitectureInfo& info = findArchitecture(spec.arch, fieldPath);
    for (const auto& [key, value] : spec.options.items()) {
        if (std::find(info.options.begin(), info.options.end(), key) == info.options.end()) {
            std::string accepted;
            for (const auto& o : info.options) accepted += (accepted.empty() ? "" : ", ") + o;
            throw RecipeError(fieldPath + "." + key + ": unknown option for " + info.id +
                              (accepted.empty() ? " (it takes none)" : " (accepts: " + accepted + ")"));
        }
    }
}

const std::vector<ArchitectureInfo>& architectures() { return kArchitectures; }

const ArchitectureInfo& findArchitecture(const std::string& id, const std::string& fieldPath) {
    for (const auto& info : kArchitectures) {
        if (info.id == id) return info;
    }
    std::string known;
    for (const auto& info : kArchitectures) known += (known.empty() ? "" : ", ") + info.id;
    throw RecipeError(fieldPath + ".arch: unknown architecture '" + id + "' (known: " + known + ")");
}

}  // namespace tinyforge::core::models
