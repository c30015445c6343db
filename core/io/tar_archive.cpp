#include "core/io/tar_archive.h"

#include <algorithm>

#include "core/error.h"
#include "core/io/file_bytes.h"

namespace tinyforge::core::io {

namespace {

constexpr std::size_t kBlock = 512;

std::string field(const std::uint8_t* header, std::size_t offset, std::size_t length) {
    const auto* begin = reinterpret_cast<const char*>(header + offset);
    return std::string(begin, std::find(begin, begin + length, '\0'));
}

// Octal numeric fields are space- or NUL-terminated; anything else means a damaged header.
std::optional<std::uint64_t> octalField(const std::uint8_t* header, std::size_t offset, std::size_t length) {
    std::uint64_t value = 0;
    bool digits = false;
    for (std::size_t i = 0; i < length; ++i) {
        const char c = static_cast<char>(header[offset + i]);
        if (c >= '0' && c <= '7') {
            value = value * 8 + static_cast<std::uint64_t>(c - '0');
            digits = true;
        } else if (c == ' ' || c == '\0') {
            if (digits) break;
        } else {
            return std::nullopt;
        }
    }
    return value;
}

bool checksumMatches(const std::uint8_t* header) {
    const auto stored = octalField(header, 148, 8);
    if (!stored) return false;
    std::uint64_t sum = 0;
    for (std::size_t i = 0; i < kBlock; ++i) sum += (i >= 148 && i < 156) ? ' ' : header[i];
    return sum == *stored;
}

bool isZeroBlock(const std::uint8_t* header) {
    return std::all_of(header, header + kBlock, [](std::uint8_t b) { return b == 0; });
}

}  // namespace

TarArchive::TarArchive(const std::filesystem::path& path) : path_(path), bytes_(readFileBytes(path)) {
    std::string longName;  // GNU 'L' records carry the next member's name when it exceeds 100 bytes
    std::size_t offset = 0;
    while (offset + kBlock <= bytes_.size()) {
        const std::uint8_t* header = bytes_.data() + offset;
        if (isZeroBlock(header)) break;
        const std::string where = "header at byte " + std::to_string(offset);
        if (!checksumMatches(header)) throw DataError(path_, where, "not a tar archive (bad header checksum)");
        const auto size = octalField(header, 124, 12);
        if (!size) throw DataError(path_, where, "malformed member size");
        const std::size_t dataOffset = offset + kBlock;
        if (*size > bytes_.size() - dataOffset) {
            throw DataError(path_, where, "member '" + field(header, 0, 100) + "' is truncated (" +
                                              std::to_string(*size) + " bytes declared, " +
                                              std::to_string(bytes_.size() - dataOffset) + " present)");
        }
        const char type = static_cast<char>(header[156]);
        if (type == 'L') {
            longName = std::string(reinterpret_cast<const char*>(bytes_.data() + dataOffset), *size);
            longName.erase(std::find(longName.begin(), longName.end(), '\0'), longName.end());
        } else {
            if (type == '0' || type == '\0') {
                std::string name = field(header, 0, 100);
                const std::string prefix = field(header, 345, 155);
                if (!longName.empty()) name = longName;
                else if (!prefix.empty()) name = prefix + "/" + name;
                members_.push_back({name, dataOffset, static_cast<std::size_t>(*size)});
            }
            longName.clear();
        }
        offset = dataOffset + ((*size + kBlock - 1) / kBlock) * kBlock;
    }
    if (members_.empty()) throw DataError(path_, "", "tar archive holds no files");
}

std::optional<TarMember> TarArchive::findByFileName(const std::string& fileName) const {
    for (const auto& member : members_) {
        if (std::filesystem::path(member.name).filename() == fileName) return member;
    }
    return std::nullopt;
}

std::vector<std::uint8_t> TarArchive::read(const TarMember& member) const {
    const auto begin = bytes_.begin() + static_cast<std::ptrdiff_t>(member.offset);
    return std::vector<std::uint8_t>(begin, begin + static_cast<std::ptrdiff_t>(member.size));
}

}  // namespace tinyforge::core::io
