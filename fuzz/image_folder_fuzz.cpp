// Image folders (one sub-folder per class): the input is one image of class "a", named by the format its first bytes
// suggest, beside a valid 2x2 PGM of class "b". The header check runs before OpenCV decodes anything.
#include <cstring>

#include "core/data/builtin_formats.h"
#include "core/error.h"
#include "fuzz/fuzz_input.h"

namespace {

const char* extensionFor(const std::uint8_t* data, std::size_t size) {
    auto starts = [&](const char* magic, std::size_t n) { return size >= n && std::memcmp(data, magic, n) == 0; };
    if (starts("\x89PNG", 4)) return ".png";
    if (starts("\xFF\xD8", 2)) return ".jpg";
    if (starts("BM", 2)) return ".bmp";
    if (starts("P", 1)) return ".pgm";
    if (starts("II", 2) || starts("MM", 2)) return ".tif";
    if (starts("RIFF", 4)) return ".webp";
    if (starts("\0\0\0\x0CjP", 6) || starts("\xFF\x4F", 2)) return ".jp2";
    return ".png";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const tinyforge::fuzz::InputFolder folder("images");
    folder.write(std::string("a/input") + extensionFor(data, size), data, size);
    static const char kPgm[] = "P5 2 2 255\n\x01\x02\x03\x04";
    folder.write("b/valid.pgm", kPgm, sizeof kPgm - 1);
    tinyforge::core::data::LoadOptions options;
    options.path = folder.path();
    options.imageWidth = options.imageHeight = 8;
    try {
        (void)tinyforge::core::data::makeFolderFormat()->load(options, nullptr);
    } catch (const tinyforge::Error&) {
    }
    return 0;
}
