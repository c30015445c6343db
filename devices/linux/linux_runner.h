#pragma once
// Raspberry Pi and other Linux boards: the exported C model and a small benchmark (resources/firmware/linux-runner)
// cross-compiled here into one static program, uploaded over SSH into a fresh remote folder, run there, its JSON
// read back, and the folder removed.

#include "devices/boards/board.h"
#include "devices/flash/flasher.h"
#include "devices/transport/ssh_session.h"

#include <filesystem>
#include <string>

#include "core/results/run_summary.h"

namespace tinyforge::devices {

struct LinuxRunner {
    std::filesystem::path binary;
    std::int64_t bytes = 0;
};

/// Compiles the runner with the board's compiler and flags (statically linked) from a C export with embedded test
/// vectors in `modelDir`, into `outDir`/tf-runner. Throws DeviceError with the compiler's messages, or naming the
/// compiler package when it is not installed.
LinuxRunner buildLinuxRunner(const Board& board, const std::filesystem::path& modelDir, const std::filesystem::path& outDir);

/// The runner's summary line ({"event": "summary", ...}): what it measured on the board.
struct RunnerReport {
    std::uint64_t samples = 0, identical = 0, correct = 0, batch = 0;
    std::uint64_t latency_ns_p50 = 0, latency_ns_p90 = 0, latency_ns_p99 = 0;
    std::uint64_t peak_rss_bytes = 0, arena_bytes = 0;
    static constexpr std::string_view kName = "RunnerReport", kDoc = "The Linux runner's summary line";
    static auto fields() {
        using S = RunnerReport;
        using core::contract::field;
        return std::tuple{field("samples", &S::samples, "samples run"), field("identical", &S::identical, "outputs equal to the reference"),
                          field("correct", &S::correct, "correct predictions"), field("batch", &S::batch, "inferences per timed batch"),
                          field("latency_ns_p50", &S::latency_ns_p50, "median per inference", "ns"),
                          field("latency_ns_p90", &S::latency_ns_p90, "90th percentile", "ns"),
                          field("latency_ns_p99", &S::latency_ns_p99, "99th percentile", "ns"),
                          field("peak_rss_bytes", &S::peak_rss_bytes, "peak resident memory", "bytes"),
                          field("arena_bytes", &S::arena_bytes, "activation arena", "bytes")};
    }
};

/// The runner's summary line in `output`. Throws DeviceError naming `source` when there is none, it is not JSON, a
/// field is missing or not a whole number >= 0, or it ran no samples.
RunnerReport parseRunnerSummary(const std::string& output, const std::string& source);

/// Uploads and runs the runner on the board (`progress` sees the upload as phase "upload"; false cancels) and
/// returns the device entry for summary.json. The remote work folder is removed whatever happens.
core::results::DeviceResult profileOverSsh(const Board& board, const LinuxRunner& runner, SshSession& ssh, const FlashProgressFn& progress);

}  // namespace tinyforge::devices
