#pragma once
// summary.json on disk: read with errors that name the file and the field, written atomically, and updated under a
// lock so that workers finishing at once (an export and a deploy started together from the window) lose nothing.

#include <filesystem>
#include <functional>
#include <optional>

#include "core/results/run_summary.h"

namespace tinyforge::core::results {

/// RUN/summary.json.
std::filesystem::path summaryPath(const std::filesystem::path& runDir);

/// Reads RUN/summary.json. Throws DataError naming the file and the field: missing, not JSON, too deep, an older or
/// newer schema_version, a missing field or a wrong type.
RunSummary readSummary(const std::filesystem::path& runDir);

/// readSummary, or nullopt when the run has no summary.json yet; a damaged one still throws.
std::optional<RunSummary> readSummaryIfPresent(const std::filesystem::path& runDir);

/// Writes RUN/summary.json atomically (temporary file, fsync, rename), under the summary's lock.
void writeSummary(const std::filesystem::path& runDir, const RunSummary& summary);

/// Reads, changes and writes RUN/summary.json as one step under an exclusive lock (flock on RUN/summary.json.lock,
/// which serialises threads and processes alike). Returns the summary as written. Throws as readSummary does;
/// nothing is written when `change` throws.
RunSummary updateSummary(const std::filesystem::path& runDir, const std::function<void(RunSummary&)>& change);

}  // namespace tinyforge::core::results
