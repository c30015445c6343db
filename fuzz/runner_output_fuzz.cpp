// What the Linux runner prints on a Raspberry Pi (over SSH): the summary line read through the contract.
#include "core/error.h"
#include "devices/linux/linux_runner.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        tinyforge::devices::parseRunnerSummary(std::string(reinterpret_cast<const char*>(data), size), "fuzz");
    } catch (const tinyforge::Error&) {
    }
    return 0;
}
