// The window's project files (.tfproj): format marker, recipe and window state, checked as File > Open does.
#include "core/error.h"
#include "core/recipe/project_file.h"
#include "fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const tinyforge::fuzz::InputFile file(data, size, "project.tfproj");
    try {
        (void)tinyforge::core::recipe::readProjectFile(file.path());
    } catch (const tinyforge::Error&) {
    }
    return 0;
}
