// SSH to a Linux board against a real OpenSSH server on 127.0.0.1 (TestSshd): quoting, uploads, strict host keys,
// authentication failures, a dropped connection, and the whole deploy of an Iris run onto an aarch64 "Raspberry Pi"
// whose programs run through qemu-user.
#include "core/error.h"
#include "devices/deploy/deploy_run.h"
#include "devices/device_error.h"
#include "devices/toolchain/child_process.h"
#include "devices/transport/ssh_session.h"
#include "support/test_sshd.h"
#include "tests/support/fixtures.h"
#include "tests/support/process.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <set>
#include <thread>

namespace fx = tinyforge::test;
using namespace tinyforge::devices;
using Catch::Matchers::Contains;
using nlohmann::json;

namespace {

std::string errorOf(const std::function<void()>& action) {
    try {
        action();
    } catch (const tinyforge::DeviceError& e) {
        return e.what();
    }
    return "(no error)";
}

std::set<std::string> foldersIn(const std::filesystem::path& dir) {
    std::set<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) names.insert(entry.path().filename().string());
    return names;
}

// Waits up to `seconds` for `dir` to hold nothing: a board cleans up after a dropped connection on its own time.
bool becomesEmpty(const std::filesystem::path& dir, int seconds) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (!foldersIn(dir).empty()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return true;
}

// An Iris run with a quantized model, made by the CLI.
std::filesystem::path irisRun(const fx::TempDir& dir) {
    const auto run = dir / "iris";
    const auto made = fx::cli({"run", TINYFORGE_RESOURCE_DIR "/recipes/iris-distill.json", "--out", run.string(), "--set", "train.epochs=20", "--set",
                               "export.formats=[]"});
    INFO(made.err);
    REQUIRE(made.exitCode == 0);
    return run;
}

}  // namespace

TEST_CASE("ssh: targets are parsed from USER@HOST[:PORT], and bad ones refused by what is wrong", "[ssh][bad-input]") {
    const auto pi = SshTarget::parse("pi@raspberrypi.local");
    CHECK(pi.user == "pi");
    CHECK(pi.host == "raspberrypi.local");
    CHECK(pi.port == 22);
    const auto v6 = SshTarget::parse("pi@[fe80::1]:2222");
    CHECK(v6.host == "fe80::1");
    CHECK(v6.port == 2222);
    CHECK(v6.describe() == "pi@[fe80::1]:2222");
    CHECK_FALSE(SshTarget::parse("10.0.0.7").user.empty());  // the local login name
    CHECK_THROWS_WITH(SshTarget::parse("pi@"), Contains("no host"));
    CHECK_THROWS_WITH(SshTarget::parse("pi@host:0"), Contains("port must be 1..65535"));
    CHECK_THROWS_WITH(SshTarget::parse("pi@host:22x"), Contains("port must be 1..65535"));
    CHECK_THROWS_WITH(SshTarget::parse("pi@host;reboot"), Contains("not a host name"));
    CHECK_THROWS_WITH(SshTarget::parse("pi@[::1"), Contains("missing ]"));
}

TEST_CASE("ssh: every argument is quoted into one shell word", "[ssh]") {
    CHECK(shellQuote("plain") == "'plain'");
    CHECK(shellQuote("it's") == "'it'\\''s'");
    CHECK(shellQuote("") == "''");
    CHECK(shellCommand({"rm", "-rf", "--", "/tmp/a b"}) == "'rm' '-rf' '--' '/tmp/a b'");
}

TEST_CASE("ssh: commands run on the board with their words intact, no file name can inject a command", "[ssh]") {
    fx::TestSshd sshd;
    fx::TempDir dir;
    SshSession ssh(sshd.target(), sshd.options());
    const std::vector<std::string> words{"a; touch " + (dir / "injected1").string(), "$(touch " + (dir / "injected2").string() + ")",
                                         "`touch " + (dir / "injected3").string() + "`", "it's", "new\nline", "*"};
    std::vector<std::string> command{"printf", "[%s]"};
    command.insert(command.end(), words.begin(), words.end());
    const auto printed = ssh.run(command);
    CHECK(printed.exitCode == 0);
    std::string expected;
    for (const auto& w : words) expected += "[" + w + "]";
    CHECK(printed.out == expected);
    for (const char* name : {"injected1", "injected2", "injected3"}) CHECK_FALSE(std::filesystem::exists(dir / name));

    const auto failed = ssh.run({"sh", "-c", "echo out; echo err >&2; exit 3"});
    CHECK(failed.exitCode == 3);
    CHECK(failed.out == "out\n");
    CHECK(failed.err == "err\n");
    CHECK_THAT(errorOf([&] { ssh.run({"sleep", "5"}, std::chrono::seconds(1)); }), Contains("sleep did not finish within 1 s"));
}

TEST_CASE("ssh: an upload arrives whole in chunks, with progress, its mode, and no partial file", "[ssh]") {
    fx::TestSshd sshd;
    fx::TempDir dir;
    const std::string bytes = fx::randomBytes(200 * 1024 + 17, 3);
    fx::writeText(dir / "local.bin", bytes);
    SshSession ssh(sshd.target(), sshd.options());
    std::vector<std::uint64_t> steps;
    const std::string remote = (dir / "remote.bin").string();
    ssh.upload(dir / "local.bin", remote, 0750, [&](std::uint64_t done, std::uint64_t total) {
        CHECK(total == bytes.size());
        steps.push_back(done);
        return true;
    });
    CHECK(steps.size() == 7);  // 32 KiB chunks
    CHECK(steps.back() == bytes.size());
    CHECK(fx::readText(remote) == bytes);
    CHECK((std::filesystem::status(remote).permissions() & std::filesystem::perms::all) == static_cast<std::filesystem::perms>(0750));
    CHECK_FALSE(std::filesystem::exists(remote + ".part"));

    // Cancelled half-way: nothing under the final name, the partial file removed.
    CHECK_THROWS_AS(ssh.upload(dir / "local.bin", (dir / "cancelled.bin").string(), 0644, [](std::uint64_t done, std::uint64_t) { return done < 64 * 1024; }),
                    tinyforge::Cancelled);
    CHECK_FALSE(std::filesystem::exists(dir / "cancelled.bin"));
    CHECK_FALSE(std::filesystem::exists(dir / "cancelled.bin.part"));
}

TEST_CASE("ssh: an unknown host is refused with its fingerprint unless trusted, and then remembered", "[ssh][hostkey]") {
    fx::TestSshd sshd;
    fx::TempDir dir;
    SshOptions options = sshd.options();
    options.knownHosts = dir / "new_known_hosts";
    const std::string refused = errorOf([&] { SshSession(sshd.target(), options); });
    CHECK_THAT(refused, Contains("unknown host key ssh-ed25519 SHA256:") && Contains("accept-new-host-key"));
    CHECK_FALSE(std::filesystem::exists(options.knownHosts));

    UnknownHostKey asked;
    options.trustUnknownHost = [&](const UnknownHostKey& key) {
        asked = key;
        return true;
    };
    SshSession trusted(sshd.target(), options);
    CHECK(asked.host == "[127.0.0.1]:" + std::to_string(sshd.port()));
    CHECK_THAT(refused, Contains(asked.fingerprint));
    CHECK_THAT(fx::readText(options.knownHosts), Contains("[127.0.0.1]:" + std::to_string(sshd.port())));
    // Remembered: the next connection is not asked again.
    bool askedAgain = false;
    options.trustUnknownHost = [&](const UnknownHostKey&) { return askedAgain = true; };
    SshSession again(sshd.target(), options);
    CHECK_FALSE(askedAgain);
}

TEST_CASE("ssh: a changed host key is always refused, never asked about", "[ssh][hostkey]") {
    fx::TestSshd sshd;
    SshOptions options = sshd.options();
    options.knownHosts = sshd.changedKnownHosts();
    bool asked = false;
    options.trustUnknownHost = [&](const UnknownHostKey&) { return asked = true; };
    const std::string refused = errorOf([&] { SshSession(sshd.target(), options); });
    CHECK_THAT(refused, Contains("host key has CHANGED") && Contains("ssh-keygen -R"));
    CHECK_FALSE(asked);
}

TEST_CASE("ssh: a key the board does not accept, a missing key and a closed port each give a clear error", "[ssh][bad-input]") {
    fx::TestSshd sshd;
    SshOptions options = sshd.options();
    options.identity = sshd.strangerKey();
    CHECK_THAT(errorOf([&] { SshSession(sshd.target(), options); }),
               Contains(sshd.target().describe() + ": authentication refused (tried the key " + sshd.strangerKey().string()));
    options.identity = sshd.strangerKey().string() + ".missing";
    CHECK_THROWS_AS(SshSession(sshd.target(), options), tinyforge::DataError);  // a key file the user named: bad input
    CHECK_THROWS_WITH(SshSession(sshd.target(), options), Contains("no such key file"));
    options.identity = sshd.knownHosts();  // not a key at all
    CHECK_THAT(errorOf([&] { SshSession(sshd.target(), options); }), Contains("not a private key"));
    SshTarget closed = sshd.target();
    closed.port = 1;  // nothing listens there
    CHECK_THAT(errorOf([&] { SshSession(closed, sshd.options()); }), Contains(closed.describe() + ": cannot connect"));
}

TEST_CASE("ssh: with no key file given, the agent's key logs in", "[ssh]") {
    fx::TestSshd sshd;
    fx::TempDir dir;
    const std::string socket = (dir / "agent.sock").string();
    tinyforge::devices::ChildProcess agent({"ssh-agent", "-D", "-a", socket});
    for (int i = 0; i < 100 && !std::filesystem::exists(socket); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    // An empty home: no default keys in ~/.ssh can be what logs in.
    const std::string savedHome = std::getenv("HOME") ? std::getenv("HOME") : "";
    setenv("HOME", dir.path().c_str(), 1);
    setenv("SSH_AUTH_SOCK", socket.c_str(), 1);
    SshOptions options = sshd.options();
    options.identity.clear();
    const std::string before = errorOf([&] { SshSession(sshd.target(), options); });  // the agent holds no key yet
    const auto added = fx::runProcess({"ssh-add", sshd.clientKey().string()});
    std::string loggedIn = "(not run)";
    if (added.exitCode == 0) loggedIn = SshSession(sshd.target(), options).run({"echo", "agent"}).out;
    unsetenv("SSH_AUTH_SOCK");
    setenv("HOME", savedHome.c_str(), 1);
    CHECK_THAT(before, Contains("authentication refused (tried the agent's keys"));
    INFO(added.err);
    CHECK(loggedIn == "agent\n");
}

TEST_CASE("ssh: a host that accepts the connection but never answers times out", "[ssh][bad-input]") {
    // A listening socket that nobody accepts from: the kernel completes the handshake, no SSH banner ever comes.
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(listen(fd, 4) == 0);
    REQUIRE(getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0);
    SshTarget silent = SshTarget::parse("pi@127.0.0.1:" + std::to_string(ntohs(address.sin_port)));
    SshOptions options;
    options.connectTimeout = std::chrono::seconds(1);
    const auto start = std::chrono::steady_clock::now();
    const std::string error = errorOf([&] { SshSession(silent, options); });
    const auto waited = std::chrono::steady_clock::now() - start;
    close(fd);
    CHECK_THAT(error, Contains(silent.describe() + ": cannot connect"));
    CHECK(waited < std::chrono::seconds(10));
}

TEST_CASE("deploy over SSH profiles an Iris run on an aarch64 board and records it", "[ssh][deploy][e2e]") {
    REQUIRE(fx::canRunAarch64());  // scripts/install-deps.sh registers qemu-user with binfmt_misc (as root)
    fx::TestSshd sshd;
    fx::TempDir dir;
    const auto run = irisRun(dir);
    const auto result = fx::cli({"deploy", run.string(), "--board", "rpi4", "--host", sshd.hostArgument(), "--identity", sshd.clientKey().string(),
                                 "--known-hosts", sshd.knownHosts().string()});
    INFO(result.err);
    REQUIRE(result.exitCode == 0);
    const json entry = json::parse(result.out);
    const json summary = json::parse(fx::readText(run / "summary.json"));
    CHECK(summary["devices"][0] == entry);
    CHECK(entry["backend"] == "ssh");
    CHECK(entry["host"] == sshd.target().describe());
    CHECK(entry["samples"] == summary["dataset"]["test"]);
    CHECK(entry["identical"] == entry["samples"]);  // the aarch64 build computes exactly what the host's reference does
    CHECK(entry["accuracy"].get<double>() == Approx(summary["compressed"]["integer"]["test_accuracy"].get<double>()));
    CHECK(entry["latency_ms"].get<double>() > 0);
    CHECK(entry["latency_ms_p90"].get<double>() >= entry["latency_ms"].get<double>());
    CHECK(entry["latency_ms_p99"].get<double>() >= entry["latency_ms_p90"].get<double>());
    CHECK(entry["peak_rss_bytes"].get<std::int64_t>() > 0);
    // This "Raspberry Pi" is an x86_64 machine running the aarch64 runner through qemu-user: the entry says so.
    CHECK(entry["measured_on"] == "emulator");
    CHECK_THAT(entry["emulator"].get<std::string>(), Contains("qemu-user") && Contains("x86_64 host"));
    CHECK_THAT(entry["latency_note"].get<std::string>(), Contains("says nothing about"));
    CHECK_THAT(result.err, Contains("(emulator)"));
    CHECK_THAT(result.err, Contains("ssh: upload"));
    // Built for the board: a static aarch64 executable.
    const auto kind = fx::runProcess({"file", "-b", entry["runner"].get<std::string>()});
    CHECK_THAT(kind.out, Contains("ARM aarch64") && Contains("statically linked"));
    CHECK(foldersIn(sshd.remoteTmp()).empty());  // the remote work folder is gone

    // A 32-bit Raspberry Pi OS board gets an armhf build (run here through qemu-arm); it replaces no rpi4 entry.
    const auto armhf = fx::cli({"deploy", run.string(), "--board", "rpi3b", "--host", sshd.hostArgument(), "--identity", sshd.clientKey().string(),
                                "--known-hosts", sshd.knownHosts().string()});
    INFO(armhf.err);
    REQUIRE(armhf.exitCode == 0);
    const json armhfEntry = json::parse(armhf.out);
    CHECK(armhfEntry["identical"] == armhfEntry["samples"]);
    CHECK_THAT(fx::runProcess({"file", "-b", armhfEntry["runner"].get<std::string>()}).out, Contains("ARM, EABI5") && Contains("statically linked"));
    CHECK(json::parse(fx::readText(run / "summary.json"))["devices"].size() == 2);
    // A board whose binaries this machine runs itself is measured on the board.
    const auto native = fx::cli({"deploy", run.string(), "--board", "linux-host", "--host", sshd.hostArgument(), "--identity", sshd.clientKey().string(),
                                 "--known-hosts", sshd.knownHosts().string()});
    INFO(native.err);
    REQUIRE(native.exitCode == 0);
    CHECK(json::parse(native.out)["measured_on"] == "board");
    CHECK_FALSE(json::parse(native.out).contains("latency_note"));
    // Every other Linux board's runner builds with its compiler.
    for (const char* board : {"rpi-zero2w", "rpi5", "linux-host"}) {
        const auto built = fx::cli({"deploy", run.string(), "--board", board, "--build-only"});
        INFO(board << ": " << built.err);
        REQUIRE(built.exitCode == 0);
        CHECK(json::parse(built.out)["flash_bytes"].get<std::int64_t>() > 10000);
    }
    const json summaryNow = json::parse(fx::readText(run / "summary.json"));

    // The CLI refuses a host it does not know yet, showing its fingerprint.
    const auto unknown = fx::cli({"deploy", run.string(), "--board", "rpi4", "--host", sshd.hostArgument(), "--identity", sshd.clientKey().string(),
                                  "--known-hosts", (dir / "empty_known_hosts").string()});
    CHECK(unknown.exitCode == 3);  // the connection was refused: a transport failure
    CHECK_THAT(unknown.err, Contains("unknown host key ssh-ed25519 SHA256:"));
    CHECK(json::parse(fx::readText(run / "summary.json")) == summaryNow);
    // A microcontroller is not deployed over SSH, and a Linux board needs a host.
    const auto noHost = fx::cli({"deploy", run.string(), "--board", "rpi4"});
    CHECK(noHost.exitCode == 2);
    CHECK_THAT(noHost.err, Contains("give --host USER@HOST[:PORT]"));
    const auto mcuOverSsh = fx::cli({"deploy", run.string(), "--board", "stm32f405", "--backend", "ssh", "--host", sshd.hostArgument()});
    CHECK(mcuOverSsh.exitCode == 2);
    CHECK_THAT(mcuOverSsh.err, Contains("is a microcontroller"));
}

TEST_CASE("deploy over SSH: a connection dropped mid-upload is reported, and the run's results are untouched", "[ssh][deploy][e2e]") {
    fx::TestSshd sshd;
    fx::TempDir dir;
    const auto run = irisRun(dir);
    const std::string summaryBefore = fx::readText(run / "summary.json");
    DeployOptions options;
    options.board = "rpi4";
    options.host = sshd.hostArgument();
    options.ssh = sshd.options();
    int uploads = 0;
    options.progress = [&](const FlashProgress& p) {
        if (p.phase == "upload" && ++uploads == 2) sshd.dropConnections();
        return true;
    };
    const std::string error = errorOf([&] { deployRun(run, options); });
    CHECK_THAT(error, Contains(sshd.target().describe()) && Contains("while uploading tf-runner"));
    CHECK(fx::readText(run / "summary.json") == summaryBefore);
    // The board's shell that made the work folder sees its input close with the connection and removes the folder.
    INFO("left on the board: " << foldersIn(sshd.remoteTmp()).size() << " entries");
    CHECK(becomesEmpty(sshd.remoteTmp(), 10));
}

TEST_CASE("deploy over SSH: a connection dropped while the runner runs leaves no work folder on the board", "[ssh][deploy][e2e]") {
    REQUIRE(fx::canRunAarch64());
    fx::TestSshd sshd;
    fx::TempDir dir;
    const auto run = irisRun(dir);
    DeployOptions options;
    options.board = "rpi4";
    options.host = sshd.hostArgument();
    options.ssh = sshd.options();
    std::jthread dropper;
    options.progress = [&](const FlashProgress& p) {
        if (p.phase == "run") {
            CHECK(foldersIn(sshd.remoteTmp()).size() == 1);  // the work folder, with the runner in it
            dropper = std::jthread([&] {
                std::this_thread::sleep_for(std::chrono::milliseconds(300));
                sshd.dropConnections();
            });
        }
        return true;
    };
    const std::string error = errorOf([&] { deployRun(run, options); });
    dropper = {};
    CHECK_THAT(error, Contains(sshd.target().describe()) && Contains("connection lost"));
    CHECK(becomesEmpty(sshd.remoteTmp(), 30));
}
