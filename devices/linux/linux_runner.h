#pragma once
// Raspberry Pi and other Linux boards: the exported C model and a small benchmark (resources/firmware/linux-runner)
// cross-compiled here into one static program, uploaded over SSH into a fresh remote folder, run there, its JSON
// read back, and the folder removed.

#include "devices/boards/board.h"
#include "devices/flash/flasher.h"
#include "devices/transport/ssh_session.h"

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace tinyforge::devices {

struct LinuxRunner {
    std::filesystem::path binary;
    std::int64_t bytes = 0;
};

/// Compiles the runner with the board's compiler and flags (statically linked) from a C export with embedded test
/// vectors in `modelDir`, into `outDir`/tf-runner. Throws DeviceError with the compiler's messages, or naming the
/// compiler package when it is not installed.
LinuxRunner buildLinuxRunner(const Board& board, const std::filesystem::path& modelDir, const std::filesystem::path& outDir);

/// What the runner printed: {"samples", "identical", "correct", "latency_ns_p50", "latency_ns_p90",
/// "latency_ns_p99", "timings", "batch", "peak_rss_bytes", "arena_bytes"}. Throws DeviceError naming `source`
/// when there is no summary line or a field is missing.
nlohmann::json parseRunnerSummary(const std::string& output, const std::string& source);

/// Uploads and runs the runner on the board (`progress` sees the upload as phase "upload"; false cancels) and
/// returns the device entry for summary.json. The remote work folder is removed whatever happens.
nlohmann::json profileOverSsh(const Board& board, const LinuxRunner& runner, SshSession& ssh, const FlashProgressFn& progress);

}  // namespace tinyforge::devices
