// MNIST / Fashion-MNIST IDX folders: the input is up to four files separated by "IDX|" (train images, train labels,
// test images, test labels), each gzipped when it starts with gzip's magic; loaded as the `idx` format does.
#include <string_view>

#include "core/data/builtin_formats.h"
#include "core/error.h"
#include "fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const char* const kNames[] = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                                         "t10k-labels-idx1-ubyte"};
    const tinyforge::fuzz::InputFolder folder("idx");
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    std::size_t begin = 0;
    for (int part = 0; part < 4 && begin <= input.size(); ++part) {
        const auto end = std::min(input.find("IDX|", begin), input.size());
        const auto* bytes = data + begin;
        const auto length = end - begin;
        folder.write(std::string(kNames[part]) + (tinyforge::fuzz::looksGzipped(bytes, length) ? ".gz" : ""), bytes, length);
        begin = end + 4;
    }
    tinyforge::core::data::LoadOptions options;
    options.path = folder.path();
    try {
        const auto samples = tinyforge::core::data::makeIdxFormat()->load(options, nullptr);
        (void)samples.pixels.size();
    } catch (const tinyforge::Error&) {
    }
    return 0;
}
