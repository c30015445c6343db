#include "core/data/summary_json.h"

#include <nlohmann/json.hpp>

namespace tinyforge::core::data {

nlohmann::json datasetSummary(const Dataset& dataset) {
    return {
        {"name", dataset.name},
        {"format", dataset.format},
        {"source", dataset.source},
        {"samples", dataset.sampleCount()},
        {"classes", dataset.classCount()},
        {"class_names", dataset.samples.classNames},
        {"sample_shape", dataset.samples.sampleShape},
        {"feature_names", dataset.samples.featureNames},
        {"splits",
         {{"train", dataset.splits.train.size()}, {"val", dataset.splits.val.size()}, {"test", dataset.splits.test.size()}}},
        {"normalization", {{"mean", dataset.normalization.mean}, {"stddev", dataset.normalization.stddev}}},
    };
}

}  // namespace tinyforge::core::data
