#include "devices/linux/linux_runner.h"

#include "core/export/c_runtime_files.h"
#include "core/resources.h"
#include "devices/deploy/deploy_backends.h"
#include "devices/device_error.h"
#include "devices/toolchain/command.h"

#include <sstream>

namespace tinyforge::devices {

namespace fs = std::filesystem;

namespace {

constexpr const char* kRunnerName = "tf-runner";
constexpr int kRunnerSeconds = 600;

// The board-side work folder lives as long as a held shell: it is created by that shell, which removes it when its
// input closes, that is when this object goes away or when the connection drops (a deployment cut off mid-upload
// leaves nothing behind).
class RemoteFolder {
public:
    RemoteFolder(SshSession& ssh, const std::string& host) {
        // In the board's $TMPDIR (else /tmp), as mktemp -t does.
        const std::string script =
            "d=$(mktemp -d -t tinyforge.XXXXXXXX) || exit 1; trap 'rm -rf -- \"$d\"' EXIT HUP TERM PIPE; echo \"$d\"; cat > /dev/null";
        m_hold = ssh.hold({"sh", "-c", script}, std::chrono::seconds(30));
        m_path = m_hold->firstLine();
        if (m_path.empty() || m_path.front() != '/' || m_path.find("/tinyforge.") == std::string::npos) {
            throw DeviceError(host + ": cannot create a work folder (mktemp -d -t tinyforge.XXXXXXXX printed '" + m_path + "')");
        }
    }
    const std::string& path() const { return m_path; }

private:
    std::unique_ptr<RemoteHold> m_hold;
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

// Whether a kernel reporting `machine` (uname -m) runs the board's binaries itself; otherwise they ran through an
// emulator (qemu-user registered with binfmt_misc), and their timings say nothing about the board.
bool runsNatively(const std::string& arch, const std::string& machine) {
    if (arch == "aarch64") return machine == "aarch64" || machine == "arm64";
    if (arch == "armhf") return machine == "armv7l" || machine == "armv6l" || machine == "armv8l" || machine == "aarch64";  // AArch32 on a 64-bit Pi
    return machine == arch;
}

}  // namespace

LinuxRunner buildLinuxRunner(const Board& board, const fs::path& modelDir, const fs::path& outDir) {
    std::error_code ec;
    fs::create_directories(outDir, ec);
    if (ec) throw DeviceError("cannot create " + outDir.string() + ": " + ec.message());
    std::vector<std::string> sources{"tf_model.c", "tf_test_vectors.c"};
    for (const auto& runtime : core::exporting::runtimeSources()) sources.push_back(runtime);
    for (const auto& file : sources) {
        if (!fs::is_regular_file(modelDir / file)) throw DeviceError((modelDir / file).string() + ": missing (a C export with embedded test vectors is needed)");
    }
    const fs::path binary = outDir / kRunnerName;
    std::vector<std::string> command{board.cc, "-O2", "-static", "-std=c99"};
    command.insert(command.end(), board.cflags.begin(), board.cflags.end());
    command.insert(command.end(), {"-I" + modelDir.string(), (core::resourceDir() / "firmware" / "linux-runner" / "runner.c").string()});
    for (const auto& file : sources) command.push_back((modelDir / file).string());
    command.insert(command.end(), {"-lm", "-o", binary.string()});
    const auto result = runCommand(command, 300);
    if (result.exitCode != 0) {
        throw ToolError(board.cc, result.exitCode, tailOf(result.output), "the runner for " + board.id + " did not build (" + board.cc + "):\n" + result.output);
    }
    return {binary, static_cast<std::int64_t>(fs::file_size(binary))};
}

RunnerReport parseRunnerSummary(const std::string& output, const std::string& source) {
    std::istringstream in(output);
    std::string line;
    while (std::getline(in, line)) {
        if (line.find("\"event\": \"summary\"") == std::string::npos) continue;
        const auto json = nlohmann::json::parse(line, nullptr, false);
        if (!json.is_object()) throw DeviceError(source + ": the runner's summary is not JSON: " + line);
        RunnerReport report;
        try {
            core::contract::fromJson(json, report);
        } catch (const core::contract::ContractError& e) {
            throw DeviceError(source + ": the runner's summary: " + e.what() + ": " + line);
        }
        if (report.samples == 0) throw DeviceError(source + ": the runner ran no samples");
        return report;
    }
    throw DeviceError(source + ": the runner printed no summary" + (output.empty() ? std::string(" (no output at all)") : ":\n" + output));
}

core::results::DeviceResult profileOverSsh(const Board& board, const LinuxRunner& runner, SshSession& ssh, const FlashProgressFn& progress) {
    const std::string host = ssh.target().describe();
    // Work folders older than a day (a board that lost power mid-run) go first.
    ssh.run({"sh", "-c", "find \"${TMPDIR:-/tmp}\" -maxdepth 1 -name 'tinyforge.*' -user \"$(id -u)\" -mmin +1440 -exec rm -rf -- {} + 2>/dev/null; true"},
            std::chrono::seconds(30));
    const RemoteFolder work(ssh, host);
    const std::string remote = work.path() + "/" + kRunnerName;
    ssh.upload(runner.binary, remote, 0755, [&](std::uint64_t done, std::uint64_t total) {
        return !progress || progress({"upload", done, total});
    });
    // On the board, the runner is bounded by its own time limit (a local time-out cannot stop it there) and the work
    // folder is removed by the board's shell when the runner ends, even when this connection has dropped by then.
    const std::string script = "trap 'rm -rf -- \"$1\"' EXIT HUP TERM; timeout -s KILL " + std::to_string(kRunnerSeconds) + " \"$1/" + kRunnerName + "\"";
    if (progress) progress({"run", 0, 0});  // no fraction to report: the runner prints only at its end
    const auto ran = ssh.run({"sh", "-c", script, "tinyforge-runner", work.path()}, std::chrono::seconds(kRunnerSeconds + 30));
    if (ran.exitCode == 137) throw DeviceError(host + ": the runner did not finish within " + std::to_string(kRunnerSeconds) + " s on the board (killed there)");
    if (ran.exitCode != 0 && ran.exitCode != 1) {  // 1: it ran, and some outputs differ from the reference
        throw DeviceError(host + ": the runner did not run (exit " + std::to_string(ran.exitCode) + "): " + ran.err +
                          " (board " + board.id + " expects an " + board.arch + " Linux; `uname -m` on the board tells)");
    }
    const auto report = parseRunnerSummary(ran.out, host);
    const auto uname = ssh.run({"uname", "-m"}, std::chrono::seconds(30));
    const std::string machine = lastLineOf(uname.out);
    const auto ms = [](std::uint64_t ns) { return static_cast<double>(ns) / 1e6; };
    core::results::DeviceResult entry;
    entry.board = board.id;
    entry.backend = std::string(kSshBackend);
    entry.host = host;
    entry.latency_ms = ms(report.latency_ns_p50);
    entry.latency_ms_p90 = ms(report.latency_ns_p90);
    entry.latency_ms_p99 = ms(report.latency_ns_p99);
    entry.counter = "wall clock (CLOCK_MONOTONIC), batches of " + std::to_string(report.batch) + " inferences";
    entry.measured_on = runsNatively(board.arch, machine) ? "board" : "emulator";
    if (entry.measured_on == "emulator") {
        entry.emulator = "an " + board.arch + " emulator (qemu-user through binfmt_misc) on a " + (machine.empty() ? "host of unknown kind" : machine + " host");
        entry.latency_note = "wall-clock time under " + *entry.emulator + ": it says nothing about " + board.name + "'s speed";
    }
    entry.peak_rss_bytes = static_cast<std::int64_t>(report.peak_rss_bytes);
    entry.flash_bytes = runner.bytes;
    entry.ram_bytes = static_cast<std::int64_t>(report.peak_rss_bytes);
    entry.arena_bytes = static_cast<std::int64_t>(report.arena_bytes);
    entry.accuracy = static_cast<double>(report.correct) / static_cast<double>(report.samples);
    entry.samples = static_cast<std::int64_t>(report.samples);
    entry.identical = static_cast<std::int64_t>(report.identical);
    entry.runner = fs::absolute(runner.binary).string();
    return entry;
}

}  // namespace tinyforge::devices
