#pragma once
// The memory layout a DfuSe device (ST's DFU extension) names in each alternate setting's interface string:
// "@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg" = a region called "Internal Flash" starting at
// 0x08000000 with four 16 KiB sectors, one 64 KiB and seven 128 KiB. Each group's letter says what the sectors allow:
// 'a' readable, 'b' erasable, 'd' writable, and their sums ('c' = a+b, 'e' = a+d, 'f' = b+d, 'g' = all three).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tinyforge::devices {

struct DfuseSector {
    std::uint32_t address = 0;
    std::uint32_t size = 0;
    bool readable = false;
    bool erasable = false;
    bool writable = false;
};

struct DfuseLayout {
    std::string name;                  ///< "Internal Flash"
    std::vector<DfuseSector> sectors;  ///< in address order

    /// The sector holding `address`, if any.
    std::optional<DfuseSector> sectorAt(std::uint32_t address) const;
    /// The sectors that overlap [address, address + length), in order.
    std::vector<DfuseSector> sectorsCovering(std::uint32_t address, std::uint32_t length) const;
    /// True when the sectors hold every byte of [address, address + length), with no gap between them.
    bool covers(std::uint32_t address, std::uint64_t length) const;
};

/// Parses an interface string; `source` names the device for errors. Throws DeviceError naming the source, the
/// string and what is wrong (no '@', a bad address, count, size, unit or type letter, an empty region).
DfuseLayout parseDfuseLayout(const std::string& text, const std::string& source);

}  // namespace tinyforge::devices
