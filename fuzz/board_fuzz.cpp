// Board files (resources/boards/*.json, or a user's own).
#include "core/error.h"
#include "devices/boards/board.h"
#include "fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const tinyforge::fuzz::InputFile file(data, size, "board.json");
    try {
        tinyforge::devices::loadBoard(file.path());
    } catch (const tinyforge::Error&) {
    }
    return 0;
}
