#pragma once
// One point of a sweep, as a child of `tinyforge-cli sweep` or a Slurm array task runs it: the point's recipe into
// DIR/points/<id> (continuing from its checkpoints), then a profile on each of the sweep's boards that its summary
// does not have yet. DIR/points/<id>/status.json says running, done or failed (with why) at every moment.

#include <filesystem>
#include <optional>
#include <string>

#include "core/pipeline/stage_cache.h"

namespace tinyforge::cli {

/// Runs point `id` of the sweep folder `dir` with `threads` LibTorch threads (0: the recipe's). Returns the exit
/// status; errors propagate (after status.json records them) to the CLI's boundary.
int runSweepPoint(const std::filesystem::path& dir, const std::string& id, int threads,
                  const std::optional<core::pipeline::StageCacheSettings>& cache);

/// Writes DIR/points/<id>/status.json: {"state": state, "message": message, "host", "pid", "time"}.
void writeSweepPointStatus(const std::filesystem::path& pointDir, const std::string& state, const std::string& message = "");

}  // namespace tinyforge::cli
