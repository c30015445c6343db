#include "tests/support/iris.h"

#include "core/data/load_dataset.h"

namespace tinyforge::test {

const core::data::Dataset& irisDataset() {
    static const core::data::Dataset dataset = [] {
        core::data::LoadOptions options;
        options.path = TINYFORGE_RESOURCE_DIR "/data/iris.csv";
        return core::data::loadDataset(options);
    }();
    return dataset;
}

}  // namespace tinyforge::test
