#pragma once
// The bundled Iris table, loaded once per test executable with the default splits.

#include "core/data/dataset.h"

namespace tinyforge::test {

const core::data::Dataset& irisDataset();

}  // namespace tinyforge::test
