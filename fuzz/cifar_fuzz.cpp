// CIFAR-10 and CIFAR-100 binary archives: the input is a tarball (gzipped when it starts with gzip's magic) read by
// both formats, through the streamed tar reader and the record parser.
#include "core/data/builtin_formats.h"
#include "core/error.h"
#include "fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const tinyforge::fuzz::InputFolder folder("cifar");
    const char* suffix = tinyforge::fuzz::looksGzipped(data, size) ? ".tar.gz" : ".tar";
    for (const auto& [name, format] : {std::pair{"cifar-10-binary", tinyforge::core::data::makeCifar10Format()},
                                       std::pair{"cifar-100-binary", tinyforge::core::data::makeCifar100Format()}}) {
        tinyforge::core::data::LoadOptions options;
        options.path = folder.write(std::string(name) + suffix, data, size);
        try {
            (void)format->load(options, nullptr);
        } catch (const tinyforge::Error&) {
        }
    }
    return 0;
}
