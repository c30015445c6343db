#include "core/data/load_dataset.h"

#include <algorithm>

#include "core/data/format_registry.h"
#include "core/data/normalization.h"
#include "core/data/splits.h"
#include "core/error.h"

namespace tinyforge::core::data {

std::string DatasetFormat::datasetName(const std::filesystem::path& path) const {
    auto name = path.filename();
    while (name.has_extension()) name = name.stem();
    std::string text = name.string();
    std::transform(text.begin(), text.end(), text.begin(), ::tolower);
    return text.empty() ? id() : text;
}

Dataset loadDataset(const LoadOptions& options, ProgressObserver* observer) {
    validate(options);
    const auto& registry = FormatRegistry::builtin();
    const DatasetFormat& format =
        options.format == "auto" ? registry.detect(options.path) : registry.find(options.format);

    Dataset dataset;
    dataset.format = format.id();
    dataset.name = format.datasetName(options.path);
    dataset.source = options.path.string();
    dataset.augment = options.augment;
    dataset.samples = format.load(options, observer);
    dataset.splits = stratifiedSplits(dataset.samples.labels, dataset.classCount(), dataset.samples.officialTestBegin,
                                      options.valFraction, options.testFraction, options.seed,
                                      options.trainFraction);
    if (dataset.splits.train.empty()) {
        throw DataError(options.path, "", "too few samples: none are left for training after the splits");
    }
    dataset.normalization = computeNormalization(dataset.samples, dataset.splits.train);
    return dataset;
}

}  // namespace tinyforge::core::data
