#include "devices/firmware/elf_segments.h"

#include "core/io/file_bytes.h"
#include "devices/device_error.h"

namespace tinyforge::devices {

namespace {

std::uint32_t le32(const std::string& b, std::size_t at) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(b[at])) | static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 1])) << 8 |
           static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 2])) << 16 | static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 3])) << 24;
}
std::uint16_t le16(const std::string& b, std::size_t at) {
    return static_cast<std::uint16_t>(static_cast<unsigned char>(b[at]) | static_cast<unsigned char>(b[at + 1]) << 8);
}

}  // namespace

std::vector<LoadSegment> elfLoadSegments(const std::filesystem::path& elf) {
    const std::string b = core::io::readTextFile(elf, 64ull << 20);
    const auto bad = [&](const std::string& problem) { return DeviceError(elf.string() + ": " + problem); };
    if (b.size() < 52 || b.compare(0, 4, "\x7f" "ELF") != 0) throw bad("not an ELF file");
    if (b[4] != 1 || b[5] != 1 || le16(b, 18) != 40) throw bad("not a 32-bit little-endian ARM executable");
    const std::uint32_t phoff = le32(b, 28);
    const std::uint16_t phentsize = le16(b, 42), phnum = le16(b, 44);
    std::vector<LoadSegment> segments;
    for (std::uint16_t i = 0; i < phnum; ++i) {
        const std::size_t at = phoff + static_cast<std::size_t>(i) * phentsize;
        if (at + 32 > b.size()) throw bad("program header " + std::to_string(i) + " lies past the end of the file");
        if (le32(b, at) != 1) continue;  // PT_LOAD only
        const std::uint32_t offset = le32(b, at + 4), paddr = le32(b, at + 12), filesz = le32(b, at + 16);
        if (filesz == 0) continue;  // .bss: zeroed by the start-up code
        if (static_cast<std::size_t>(offset) + filesz > b.size()) throw bad("segment " + std::to_string(i) + " lies past the end of the file");
        segments.push_back({paddr, b.substr(offset, filesz)});
    }
    if (segments.empty()) throw bad("no loadable segment");
    return segments;
}

}  // namespace tinyforge::devices
