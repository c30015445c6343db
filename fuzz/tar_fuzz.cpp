// Tar archives (plain or gzip), members kept up to 1 MiB each, as the CIFAR loader reads them.
#include "core/error.h"
#include "core/io/tar_archive.h"
#include "fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const tinyforge::fuzz::InputFile file(data, size, "input.tar");
    try {
        const tinyforge::core::io::TarArchive archive(file.path(), [](const std::string&, std::uint64_t bytes) { return bytes <= (1u << 20); });
        for (const auto& m : archive.members()) {
            try {
                archive.read(m);
            } catch (const tinyforge::Error&) {
            }
        }
    } catch (const tinyforge::Error&) {
    }
    return 0;
}
