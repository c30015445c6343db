#include "core/data/dataset.h"

#include "core/data/load_options.h"
#include "core/error.h"

namespace tinyforge::core::data {

std::int64_t elementCount(const std::vector<std::int64_t>& shape) {
    std::int64_t count = 1;
    for (const auto d : shape) count *= d;
    return count;
}

std::string shapeText(const std::vector<std::int64_t>& shape) {
    std::string text;
    for (const auto d : shape) text += (text.empty() ? "" : "x") + std::to_string(d);
    return text;
}

std::int64_t Dataset::sampleSize() const { return elementCount(samples.sampleShape); }

std::vector<std::int64_t> classHistogram(const Dataset& dataset, const std::vector<std::int64_t>& indices) {
    std::vector<std::int64_t> counts(static_cast<std::size_t>(dataset.classCount()), 0);
    for (const auto i : indices) ++counts[static_cast<std::size_t>(dataset.samples.labels[i])];
    return counts;
}

void validate(const LoadOptions& options) {
    if (options.path.empty()) throw SettingsError("dataset path is empty");
    if (!(options.trainFraction > 0 && options.trainFraction <= 1)) {
        throw SettingsError("dataset.train_fraction must be in (0, 1], got " + std::to_string(options.trainFraction));
    }
    if (!(options.valFraction >= 0 && options.valFraction < 1)) {
        throw SettingsError("dataset.val_fraction must be in [0, 1), got " + std::to_string(options.valFraction));
    }
    if (!(options.testFraction >= 0 && options.testFraction < 1)) {
        throw SettingsError("dataset.test_fraction must be in [0, 1), got " + std::to_string(options.testFraction));
    }
    if (options.imageWidth < 1 || options.imageWidth > 1024 || options.imageHeight < 1 || options.imageHeight > 1024) {
        throw SettingsError("dataset image size must be within 1..1024 pixels, got " +
                            std::to_string(options.imageWidth) + "x" + std::to_string(options.imageHeight));
    }
    if (options.imageChannels != 0 && options.imageChannels != 1 && options.imageChannels != 3) {
        throw SettingsError("dataset.channels must be 0 (as the images), 1 or 3, got " +
                            std::to_string(options.imageChannels));
    }
    if (options.cifar100Labels != "fine" && options.cifar100Labels != "coarse") {
        throw SettingsError("dataset.cifar100_labels must be 'fine' or 'coarse', got '" + options.cifar100Labels + "'");
    }
}

}  // namespace tinyforge::core::data
