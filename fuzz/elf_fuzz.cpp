// ELF images: the load segments the flashers write.
#include "core/error.h"
#include "devices/firmware/elf_segments.h"
#include "fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const tinyforge::fuzz::InputFile file(data, size, "firmware.elf");
    try {
        tinyforge::devices::elfLoadSegments(file.path());
    } catch (const tinyforge::Error&) {
    }
    return 0;
}
