#pragma once
// One dataset file format: a fixed id, a cheap detector and a loader. Formats live in a registry.

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/data/dataset.h"
#include "core/data/load_options.h"
#include "core/progress.h"

namespace tinyforge::core::data {

class DatasetFormat {
public:
    virtual ~DatasetFormat() = default;
    /// Fixed id stored in recipes and project files ("csv", "idx", ...). Never changes.
    virtual std::string id() const = 0;
    /// One line for --help and the GUI's format picker.
    virtual std::string description() const = 0;
    /// True when `path` looks like this format; cheap (names and magic bytes, no full parse).
    virtual bool detect(const std::filesystem::path& path) const = 0;
    /// Reads the samples. Throws DataError naming the file and place at fault; Cancelled if asked to stop.
    virtual LoadedSamples load(const LoadOptions& options, ProgressObserver* observer) const = 0;
    /// A short dataset name derived from the path ("fashion-mnist", "iris").
    virtual std::string datasetName(const std::filesystem::path& path) const;
};

}  // namespace tinyforge::core::data
