#pragma once
// A loaded dataset: samples, labels, class names, splits and normalisation statistics.
// Plain C++ (no LibTorch) so loaders, the CLI and tests stay cheap to compile; core/data/tensors.h
// turns it into tensors for training.

#include <cstdint>
#include <string>
#include <vector>

namespace tinyforge::core::data {

/// How samples are stored: images as 8-bit pixels (C, H, W), tables as 32-bit floats (features).
enum class SampleKind { Image, Table };

/// Indices into a dataset's samples for each split. Disjoint; together they cover every sample.
struct Splits {
    std::vector<std::int64_t> train;
    std::vector<std::int64_t> val;
    std::vector<std::int64_t> test;
};

/// Per-channel (images) or per-feature (tables) mean and standard deviation of the training split.
/// Images are measured on the [0, 1] scale (pixel / 255).
struct Normalization {
    std::vector<float> mean;
    std::vector<float> stddev;
};

/// What a format loader produces before splitting: the raw samples and their labels.
struct LoadedSamples {
    SampleKind kind = SampleKind::Table;
    std::vector<std::int64_t> sampleShape;  ///< {features} for tables, {C, H, W} for images
    std::vector<std::string> classNames;    ///< label k names class k
    std::vector<std::string> featureNames;  ///< kind == Table: the column names, when the file has them
    std::vector<std::uint8_t> pixels;       ///< kind == Image: N * C * H * W, row-major
    std::vector<float> values;              ///< kind == Table: N * features, row-major
    std::vector<std::int64_t> labels;       ///< N entries in [0, classNames.size())
    /// Samples from this index on form the format's official test split; -1 when the format has none.
    std::int64_t officialTestBegin = -1;
};

struct Dataset {
    std::string name;    ///< e.g. "iris", "fashion-mnist"
    std::string format;  ///< registry id of the loader that read it
    std::string source;  ///< the path it was loaded from
    LoadedSamples samples;
    Splits splits;
    Normalization normalization;
    bool augment = false;  ///< random crop with padding and horizontal flip during training

    std::int64_t sampleCount() const { return static_cast<std::int64_t>(samples.labels.size()); }
    std::int64_t classCount() const { return static_cast<std::int64_t>(samples.classNames.size()); }
    /// Number of scalars in one sample (product of the sample shape).
    std::int64_t sampleSize() const;
};

/// Product of `shape`'s dimensions.
std::int64_t elementCount(const std::vector<std::int64_t>& shape);

/// "1x28x28": a shape as error messages show it.
std::string shapeText(const std::vector<std::int64_t>& shape);

/// Number of samples of each class among `indices`.
std::vector<std::int64_t> classHistogram(const Dataset& dataset, const std::vector<std::int64_t>& indices);

}  // namespace tinyforge::core::data
