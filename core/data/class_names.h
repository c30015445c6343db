#pragma once
// Class names for the datasets whose files carry only label numbers.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace tinyforge::core::data {

/// True when the folder's path names Fashion-MNIST (IDX files do not say which of the MNIST family they are).
bool looksLikeFashionMnist(const std::filesystem::path& folder);

/// `count` names for an MNIST-family folder: Fashion-MNIST's garments, else the digits; "class k" beyond ten.
std::vector<std::string> mnistClassNames(const std::filesystem::path& folder, std::int64_t count);

/// The ten CIFAR-10 classes in label order.
std::vector<std::string> cifar10ClassNames();

/// One name per non-blank line of `text` (the contents of batches.meta.txt, fine_label_names.txt).
std::vector<std::string> readNameList(const std::string& text);

/// "class 0", "class 1", ... for labels without names.
std::vector<std::string> numberedClassNames(std::int64_t count);

}  // namespace tinyforge::core::data
