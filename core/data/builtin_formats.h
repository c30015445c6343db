#pragma once
// Factories for the formats the studio ships; the registry calls them once.

#include <memory>

#include "core/data/dataset_format.h"

namespace tinyforge::core::data {

std::unique_ptr<DatasetFormat> makeCsvFormat();       ///< id "csv"
std::unique_ptr<DatasetFormat> makeIdxFormat();       ///< id "idx": MNIST / Fashion-MNIST
std::unique_ptr<DatasetFormat> makeCifar10Format();   ///< id "cifar10"
std::unique_ptr<DatasetFormat> makeCifar100Format();  ///< id "cifar100"
std::unique_ptr<DatasetFormat> makeFolderFormat();    ///< id "folder": one sub-folder per class

}  // namespace tinyforge::core::data
