// Whole-file reads with transparent gzip, and the streamed reader the dataset formats use, under a 16 MiB limit.
#include "core/error.h"
#include "core/io/byte_stream.h"
#include "core/io/file_bytes.h"
#include "fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const tinyforge::fuzz::InputFile file(data, size, "input.gz");
    try {
        tinyforge::core::io::readFileBytes(file.path(), 16 << 20);
    } catch (const tinyforge::Error&) {
    }
    try {
        tinyforge::core::io::ByteStream in(file.path());
        auto header = in.readExactly(16, "a header");
        in.readExactly(std::uint64_t{header[0]} << 8 | header[1], "the data it declares");
        (void)in.atEnd();
    } catch (const tinyforge::Error&) {
    }
    return 0;
}
