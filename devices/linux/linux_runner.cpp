#include "devices/linux/linux_runner.h"

#include "core/resources.h"
#include "devices/device_error.h"
#include "devices/toolchain/command.h"

#include <sstream>

namespace tinyforge::devices {

namespace fs = std::filesystem;

namespace {

constexpr const char* kRunnerName = "tf-runner";

// Removes the remote work folder when the deployment ends, however it ends; a connection that is gone leaves it.
class RemoteFolder {
public:
    RemoteFolder(SshSession& ssh, std::string path) : m_ssh(ssh), m_path(std::move(path)) {}
    ~RemoteFolder() {
        try {
            m_ssh.run({"rm", "-rf", "--", m_path}, std::chrono::seconds(30));
        } catch (const std::exception&) {  // the connection is gone: nothing more can be done from here
        }
    }
    const std::string& path() const { return m_path; }

private:
    SshSession& m_ssh;
    std::string m_path;
};

std::string lastLineOf(const std::string& text) {
    std::string line, last;
    std::istringstream in(text);
    while (std::getline(in, line)) {
        if (!line.empty()) last = line;
    }
    return last;
}

}  // namespace

LinuxRunner buildLinuxRunner(const Board& board, const fs::path& modelDir, const fs::path& outDir) {
    std::error_code ec;
    fs::create_directories(outDir, ec);
    if (ec) throw DeviceError("cannot create " + outDir.string() + ": " + ec.message());
    for (const char* file : {"tf_model.c", "tf_kernels.c", "tf_test_vectors.c"}) {
        if (!fs::is_regular_file(modelDir / file)) throw DeviceError((modelDir / file).string() + ": missing (a C export with embedded test vectors is needed)");
    }
    const fs::path binary = outDir / kRunnerName;
    std::vector<std::string> command{board.cc, "-O2", "-static", "-std=c99"};
    command.insert(command.end(), board.cflags.begin(), board.cflags.end());
    command.insert(command.end(), {"-I" + modelDir.string(), (core::resourceDir() / "firmware" / "linux-runner" / "runner.c").string(),
                                   (modelDir / "tf_model.c").string(), (modelDir / "tf_kernels.c").string(),
                                   (modelDir / "tf_test_vectors.c").string(), "-lm", "-o", binary.string()});
    const auto result = runCommand(command, 300);
    if (result.exitCode != 0) throw DeviceError("the runner for " + board.id + " did not build (" + board.cc + "):\n" + result.output);
    return {binary, static_cast<std::int64_t>(fs::file_size(binary))};
}

nlohmann::json parseRunnerSummary(const std::string& output, const std::string& source) {
    std::istringstream in(output);
    std::string line;
    while (std::getline(in, line)) {
        if (line.find("\"event\": \"summary\"") == std::string::npos) continue;
        const auto summary = nlohmann::json::parse(line, nullptr, false);
        if (!summary.is_object()) throw DeviceError(source + ": the runner's summary is not JSON: " + line);
        for (const char* key : {"samples", "identical", "correct", "latency_ns_p50", "latency_ns_p90", "latency_ns_p99", "peak_rss_bytes", "arena_bytes", "batch"}) {
            if (!summary.contains(key) || !summary[key].is_number_unsigned()) throw DeviceError(source + ": the runner's summary has no \"" + key + "\": " + line);
        }
        if (summary["samples"].get<int>() == 0) throw DeviceError(source + ": the runner ran no samples");
        return summary;
    }
    throw DeviceError(source + ": the runner printed no summary" + (output.empty() ? std::string(" (no output at all)") : ":\n" + output));
}

nlohmann::json profileOverSsh(const Board& board, const LinuxRunner& runner, SshSession& ssh, const FlashProgressFn& progress) {
    const std::string host = ssh.target().describe();
    // In the board's $TMPDIR (else /tmp), as mktemp -t does.
    const auto made = ssh.run({"mktemp", "-d", "-t", "tinyforge.XXXXXXXX"}, std::chrono::seconds(30));
    const std::string folder = lastLineOf(made.out);
    if (made.exitCode != 0 || folder.empty() || folder.front() != '/' || folder.find("/tinyforge.") == std::string::npos) {
        throw DeviceError(host + ": cannot create a work folder (mktemp -d -t tinyforge.XXXXXXXX): " + made.err);
    }
    RemoteFolder work(ssh, folder);
    const std::string remote = work.path() + "/" + kRunnerName;
    ssh.upload(runner.binary, remote, 0755, [&](std::uint64_t done, std::uint64_t total) {
        return !progress || progress({"upload", done, total});
    });
    const auto ran = ssh.run({remote}, std::chrono::seconds(600));
    if (ran.exitCode != 0 && ran.exitCode != 1) {  // 1: it ran, and some outputs differ from the reference
        throw DeviceError(host + ": the runner did not run (exit " + std::to_string(ran.exitCode) + "): " + ran.err +
                          " (board " + board.id + " expects an " + board.arch + " Linux; `uname -m` on the board tells)");
    }
    const auto summary = parseRunnerSummary(ran.out, host);
    const auto ms = [&](const char* key) { return summary[key].get<double>() / 1e6; };
    return {
        {"board", board.id},
        {"backend", "ssh"},
        {"host", host},
        {"latency_ms", ms("latency_ns_p50")},
        {"latency_ms_p90", ms("latency_ns_p90")},
        {"latency_ms_p99", ms("latency_ns_p99")},
        {"counter", "wall clock (CLOCK_MONOTONIC), batches of " + std::to_string(summary["batch"].get<std::uint64_t>()) + " inferences"},
        {"peak_rss_bytes", summary["peak_rss_bytes"]},
        {"flash_bytes", runner.bytes},
        {"ram_bytes", summary["peak_rss_bytes"]},
        {"arena_bytes", summary["arena_bytes"]},
        {"accuracy", summary["correct"].get<double>() / summary["samples"].get<double>()},
        {"samples", summary["samples"]},
        {"identical", summary["identical"]},
        {"runner", fs::absolute(runner.binary).string()},
    };
}

}  // namespace tinyforge::devices
