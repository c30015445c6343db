// Programs the studio starts (make and its compilers, QEMU) run in a process group of their own: a time-out, a
// cancel or the end of the job kills every process in it, and a program that closes its output but goes on running
// still meets the deadline.
#include "core/error.h"
#include "devices/device_error.h"
#include "devices/toolchain/child_process.h"
#include "devices/toolchain/command.h"
#include "tests/support/fixtures.h"

#include <catch2/catch.hpp>

#include <signal.h>

#include <chrono>
#include <fstream>
#include <thread>

using namespace tinyforge;
using namespace tinyforge::devices;
namespace fx = tinyforge::test;
using Catch::Matchers::Contains;

namespace {

using Clock = std::chrono::steady_clock;

// A shell that starts a grandchild (as make starts a compiler) which writes its pid to `pidFile` and sleeps.
std::vector<std::string> shellWithGrandchild(const std::filesystem::path& pidFile, const std::string& then = "wait") {
    return {"sh", "-c", "sleep 300 & echo $! > '" + pidFile.string() + "'; " + then};
}

pid_t readPid(const std::filesystem::path& file) {
    for (int i = 0; i < 100 && fx::readText(file).empty(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    return static_cast<pid_t>(std::stol(fx::readText(file)));
}

// True once `pid` is gone (or a zombie about to be reaped by init).
bool gone(pid_t pid) {
    for (int i = 0; i < 100; ++i) {
        if (kill(pid, 0) != 0) return true;
        std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
        std::string skip, state;
        stat >> skip >> skip >> state;
        if (state == "Z") return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
}

}  // namespace

TEST_CASE("A time-out kills the program's whole process group, grandchildren too", "[devices][process]") {
    fx::TempDir dir;
    const auto start = Clock::now();
    const auto result = runCommand(shellWithGrandchild(dir / "pid"), 1);
    CHECK(result.timedOut);
    CHECK(result.exitCode == -1);
    CHECK(Clock::now() - start < std::chrono::seconds(5));
    CHECK(gone(readPid(dir / "pid")));
}

TEST_CASE("Cancel reaches a running program within a second and kills its group", "[devices][process]") {
    fx::TempDir dir;
    const auto start = Clock::now();
    const auto cancelAt = start + std::chrono::milliseconds(300);
    CHECK_THROWS_AS(runCommand(shellWithGrandchild(dir / "pid"), 600, [&] { return Clock::now() > cancelAt; }), Cancelled);
    CHECK(Clock::now() - start < std::chrono::seconds(1) + std::chrono::milliseconds(300));
    CHECK(gone(readPid(dir / "pid")));
}

TEST_CASE("A program that closes its output but goes on running still meets the deadline", "[devices][process]") {
    const auto start = Clock::now();
    const auto result = runCommand({"sh", "-c", "exec >/dev/null 2>&1; sleep 300"}, 1);
    CHECK(result.timedOut);
    CHECK(Clock::now() - start < std::chrono::seconds(5));
}

TEST_CASE("What a finished program leaves running in its group is killed and its output and status are kept", "[devices][process]") {
    fx::TempDir dir;
    const auto result = runCommand(shellWithGrandchild(dir / "pid", "echo done; exit 3"), 10);
    CHECK_FALSE(result.timedOut);
    CHECK(result.exitCode == 3);
    CHECK_THAT(result.output, Contains("done"));
    CHECK(gone(readPid(dir / "pid")));
}

TEST_CASE("Destroying a ChildProcess kills its group and a missing program is named", "[devices][process][bad-input]") {
    fx::TempDir dir;
    pid_t grandchild = 0;
    {
        ChildProcess child(shellWithGrandchild(dir / "pid"));
        grandchild = readPid(dir / "pid");
        CHECK(kill(grandchild, 0) == 0);
    }
    CHECK(gone(grandchild));
    CHECK_THROWS_WITH(ChildProcess({"tinyforge-no-such-tool"}), Contains("cannot run tinyforge-no-such-tool") && Contains("install"));
}
