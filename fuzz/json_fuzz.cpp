// JSON from users' files (recipes, projects, sweep files): parsed with the nesting bound, never a stack overflow.
#include "core/error.h"
#include "core/io/json_text.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const auto json = tinyforge::core::io::parseJson(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.json");
        (void)json.dump();
    } catch (const tinyforge::Error&) {
    }
    return 0;
}
