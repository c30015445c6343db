// Recipe files from colleagues: read, checked against the schema and parsed as `tinyforge-cli run` does.
#include "core/error.h"
#include "core/recipe/recipe.h"
#include "fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const tinyforge::fuzz::InputFile file(data, size, "recipe.json");
    try {
        (void)tinyforge::core::recipe::loadRecipe(file.path());
    } catch (const tinyforge::Error&) {
    }
    return 0;
}
