#pragma once
// The stage cache from the command line: `--cache DIR` / `--no-cache` on the commands that train, and
// `tinyforge-cli cache ls|clear`.

#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "core/pipeline/stage_cache.h"

namespace tinyforge::cli {

/// The flags that choose a run's stage cache. Without either, the user's cache (core::pipeline::userStageCache).
struct StageCacheFlags {
    std::string dir;
    bool off = false;

    void addTo(CLI::App& command);
    /// The cache to use, or none.
    std::optional<core::pipeline::StageCacheSettings> settings() const;
    /// The same choice as arguments for a child tinyforge-cli.
    std::vector<std::string> arguments() const;
};

}  // namespace tinyforge::cli
