// DfuSe interface strings, as a USB device names its memories.
#include "core/error.h"
#include "devices/protocol/dfuse_layout.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const auto layout = tinyforge::devices::parseDfuseLayout(std::string(reinterpret_cast<const char*>(data), size), "fuzz");
        (void)layout.covers(0x08000000, 0x10000);
        (void)layout.sectorsCovering(0x08000000, 0x10000);
    } catch (const tinyforge::Error&) {
    }
    return 0;
}
