// What a device prints: profile lines and tensor dumps, from a UART, semihosting or a Linux runner.
#include "core/error.h"
#include "devices/profile/profile_report.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        tinyforge::devices::parseProfile(text, "fuzz");
    } catch (const tinyforge::Error&) {
    }
    try {
        tinyforge::devices::parseTensorDump(text, "fuzz");
    } catch (const tinyforge::Error&) {
    }
    return 0;
}
