#pragma once
// What a firmware file asks to be written where: the loadable segments of an ELF executable, as a probe or a
// bootloader writes them into flash.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace tinyforge::devices {

/// One loadable segment at its load (physical) address.
struct LoadSegment {
    std::uint32_t address = 0;
    std::string bytes;
};

/// The loadable segments of an ELF32 little-endian ARM executable, in file order. Throws DeviceError naming the file
/// when it is not such an executable.
std::vector<LoadSegment> elfLoadSegments(const std::filesystem::path& elf);

}  // namespace tinyforge::devices
