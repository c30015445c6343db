#include "devices/protocol/dfuse_layout.h"

#include <algorithm>

#include "devices/device_error.h"

#include <cctype>

namespace tinyforge::devices {

namespace {

std::string trim(const std::string& s) {
    const auto first = s.find_first_not_of(" \t");
    if (first == std::string::npos) return "";
    return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

std::vector<std::string> split(const std::string& s, char separator) {
    std::vector<std::string> parts;
    std::string::size_type start = 0;
    while (true) {
        const auto end = s.find(separator, start);
        parts.push_back(s.substr(start, end == std::string::npos ? std::string::npos : end - start));
        if (end == std::string::npos) return parts;
        start = end + 1;
    }
}

struct Parser {
    const std::string& text;
    const std::string& source;

    [[noreturn]] void fail(const std::string& what) const {
        throw ProtocolError(source, source + ": memory layout \"" + text + "\": " + what);
    }

    std::uint32_t address(const std::string& field) const {
        const std::string t = trim(field);
        if (t.size() < 3 || t[0] != '0' || (t[1] != 'x' && t[1] != 'X')) fail("'" + t + "' is not a hexadecimal address (0x...)");
        std::uint64_t value = 0;
        for (std::size_t i = 2; i < t.size(); ++i) {
            if (!std::isxdigit(static_cast<unsigned char>(t[i]))) fail("'" + t + "' is not a hexadecimal address (0x...)");
            const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(t[i])));
            value = value * 16 + static_cast<std::uint64_t>(c <= '9' ? c - '0' : c - 'a' + 10);
            if (value > 0xFFFFFFFFu) fail("address '" + t + "' does not fit 32 bits");
        }
        return static_cast<std::uint32_t>(value);
    }

    // "04*016Kg": count, size with its unit (' ', B, K, M) and the type letter.
    void group(const std::string& field, std::uint64_t& next, DfuseLayout& layout) const {
        const std::string t = trim(field);
        const auto star = t.find('*');
        if (star == std::string::npos || star == 0) fail("'" + t + "' is not COUNT*SIZE[unit]TYPE");
        std::uint64_t count = 0;
        for (std::size_t i = 0; i < star; ++i) {
            if (!std::isdigit(static_cast<unsigned char>(t[i]))) fail("'" + t + "': the sector count is not a number");
            count = count * 10 + static_cast<std::uint64_t>(t[i] - '0');
            if (count > 65536) fail("'" + t + "': too many sectors");
        }
        std::size_t i = star + 1;
        std::uint64_t size = 0;
        const std::size_t digits = i;
        while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) {
            size = size * 10 + static_cast<std::uint64_t>(t[i++] - '0');
            if (size > 0xFFFFFFFFu) fail("'" + t + "': sector size too large");
        }
        if (i == digits) fail("'" + t + "': the sector size is not a number");
        std::uint64_t unit = 1;
        if (i < t.size() && (t[i] == 'K' || t[i] == 'M' || t[i] == 'B' || t[i] == ' ')) {
            unit = t[i] == 'K' ? 1024 : t[i] == 'M' ? 1024 * 1024 : 1;
            ++i;
        }
        if (i + 1 != t.size()) fail("'" + t + "': expected one type letter a-g after the size");
        const char type = t[i];
        if (type < 'a' || type > 'g') fail("'" + t + "': type '" + std::string(1, type) + "' is not one of a-g");
        const int bits = type - 'a' + 1;  // a=1 readable, b=2 erasable, d=4 writable
        if (count == 0 || size == 0) fail("'" + t + "': an empty group");
        for (std::uint64_t n = 0; n < count; ++n) {
            const std::uint64_t bytes = size * unit;
            if (next + bytes > 0x100000000ull) fail("'" + t + "' runs past the 4 GiB address space");
            layout.sectors.push_back({static_cast<std::uint32_t>(next), static_cast<std::uint32_t>(bytes), (bits & 1) != 0, (bits & 2) != 0, (bits & 4) != 0});
            next += bytes;
        }
    }
};

}  // namespace

std::optional<DfuseSector> DfuseLayout::sectorAt(std::uint32_t address) const {
    for (const auto& s : sectors) {
        if (address >= s.address && address - s.address < s.size) return s;
    }
    return std::nullopt;
}

bool DfuseLayout::covers(std::uint32_t address, std::uint64_t length) const {
    std::uint64_t next = address;  // the first byte not yet known to lie in a sector
    const std::uint64_t end = std::uint64_t{address} + length;
    for (const auto& s : sectors) {  // in address order
        const std::uint64_t sectorEnd = std::uint64_t{s.address} + s.size;
        if (sectorEnd <= next) continue;
        if (s.address > next) return false;  // a gap before this sector
        next = sectorEnd;
        if (next >= end) return true;
    }
    return next >= end;
}

std::vector<DfuseSector> DfuseLayout::sectorsCovering(std::uint32_t address, std::uint32_t length) const {
    std::vector<DfuseSector> out;
    const std::uint64_t end = static_cast<std::uint64_t>(address) + length;
    for (const auto& s : sectors) {
        if (s.address < end && static_cast<std::uint64_t>(s.address) + s.size > address) out.push_back(s);
    }
    return out;
}

DfuseLayout parseDfuseLayout(const std::string& text, const std::string& source) {
    const Parser parser{text, source};
    if (text.empty() || text[0] != '@') parser.fail("does not start with '@'");
    // "@name/addr/groups/addr/groups...": a name, then address and sector-group pairs.
    const auto fields = split(text.substr(1), '/');
    if (fields.size() < 3 || fields.size() % 2 == 0) parser.fail("expected @NAME/ADDRESS/GROUPS[/ADDRESS/GROUPS...]");
    DfuseLayout layout;
    layout.name = trim(fields[0]);
    for (std::size_t f = 1; f + 1 < fields.size(); f += 2) {
        std::uint64_t next = parser.address(fields[f]);
        for (const auto& g : split(fields[f + 1], ',')) parser.group(g, next, layout);
    }
    // Regions may be listed in any order; covers() and sectorsCovering() walk sectors by address.
    std::stable_sort(layout.sectors.begin(), layout.sectors.end(), [](const auto& a, const auto& b) { return a.address < b.address; });
    return layout;
}

}  // namespace tinyforge::devices
