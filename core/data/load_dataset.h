#pragma once
// The one entry point for loading a dataset: pick the format, parse, split, measure normalisation.

#include "core/data/dataset.h"
#include "core/data/load_options.h"
#include "core/progress.h"

namespace tinyforge::core::data {

/// Loads `options.path` with the format `options.format` ("auto" detects it), then splits it (stratified, seeded)
/// and measures normalisation on the training split. Throws SettingsError for bad options, DataError for bad data,
/// Cancelled when `observer` asks to stop.
Dataset loadDataset(const LoadOptions& options, ProgressObserver* observer = nullptr);

}  // namespace tinyforge::core::data
