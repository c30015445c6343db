#pragma once
// The dataset formats the studio knows, by fixed id, and detection of a path's format.

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/data/dataset_format.h"

namespace tinyforge::core::data {

class FormatRegistry {
public:
    /// The registry of built-in formats, in detection order: csv, idx, cifar10, cifar100, folder.
    static const FormatRegistry& builtin();

    /// Adds a format; throws SettingsError if its id is empty, "auto", or already registered.
    void add(std::unique_ptr<DatasetFormat> format);
    /// The format with this id; throws SettingsError listing the known ids when there is none.
    const DatasetFormat& find(const std::string& id) const;
    /// The first format whose detect() accepts `path`; throws DataError when the path is missing or none does.
    const DatasetFormat& detect(const std::filesystem::path& path) const;
    /// Every id, in registration order.
    std::vector<std::string> ids() const;

private:
    std::vector<std::unique_ptr<DatasetFormat>> formats_;
};

}  // namespace tinyforge::core::data
