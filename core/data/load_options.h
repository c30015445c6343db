#pragma once
// What the user chooses when loading a dataset; the same fields appear in recipes and on the CLI.

#include <cstdint>
#include <filesystem>
#include <string>

namespace tinyforge::core::data {

struct LoadOptions {
    std::filesystem::path path;
    std::string format = "auto";  ///< a registry id, or "auto" to detect it from the path

    // Splits. A format's official test split is kept; otherwise testFraction of each class is held out.
    double valFraction = 0.1;   ///< of the training samples, per class
    double testFraction = 0.2;  ///< only for formats without an official test split
    /// A label budget: the share of each class's training samples (after test and validation) trained on; the rest
    /// go unused, and validation and test stay the same samples whatever the budget.
    double trainFraction = 1.0;
    std::uint64_t seed = 42;

    bool augment = false;  ///< random crop with padding and horizontal flip, for image data

    // Format-specific.
    std::string labelColumn;          ///< csv: the label column's header name; empty means the last column
    std::string cifar100Labels = "fine";  ///< cifar100: "fine" (100 classes) or "coarse" (20 superclasses)
    int imageWidth = 32;              ///< folder: images are resized to this size
    int imageHeight = 32;
    int imageChannels = 0;            ///< folder: 1 grayscale, 3 colour, 0 = as the first image
};

/// Throws SettingsError when a field is out of range (fractions, image size, channel count).
void validate(const LoadOptions& options);

}  // namespace tinyforge::core::data
