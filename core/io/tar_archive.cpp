#include "core/io/tar_archive.h"

#include <algorithm>

#include "core/error.h"
#include "core/io/byte_stream.h"
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

TarArchive::TarArchive(const std::filesystem::path& path, const KeepMember& keep) : path_(path) {
    ByteStream in(path);
    std::string longName;  // GNU 'L' records carry the next member's name when it exceeds 100 bytes
    std::uint8_t header[kBlock];
    for (;;) {
        const std::size_t offset = in.position();
        if (in.read(header, kBlock) < kBlock || isZeroBlock(header)) break;
        const std::string where = "header at byte " + std::to_string(offset);
        if (!checksumMatches(header)) throw DataError(path_, where, "not a tar archive (bad header checksum)");
        const auto size = octalField(header, 124, 12);
        if (!size) throw DataError(path_, where, "malformed member size");
        const std::size_t dataOffset = offset + kBlock;
        const std::uint64_t padded = ((*size + kBlock - 1) / kBlock) * kBlock;
        const auto truncated = [&](const DataError& e) {
            if (e.problem().rfind("truncated:", 0) != 0) throw e;
            throw DataError(path_, where, "member '" + field(header, 0, 100) + "' is truncated (" + std::to_string(*size) + " bytes declared, " +
                                              std::to_string(in.position() - dataOffset) + " present)");
        };
        const char type = static_cast<char>(header[156]);
        try {
            if (type == 'L') {
                if (*size > 4096) throw DataError(path_, where, "a long name of " + std::to_string(*size) + " bytes");
                const auto bytes = in.readExactly(*size, "a long name");
                longName.assign(bytes.begin(), std::find(bytes.begin(), bytes.end(), '\0'));
                in.skip(padded - *size, "padding");
                continue;
            }
            if (type == '0' || type == '\0') {
                std::string name = field(header, 0, 100);
                const std::string prefix = field(header, 345, 155);
                if (!longName.empty()) name = longName;
                else if (!prefix.empty()) name = prefix + "/" + name;
                const bool keepIt = !keep || keep(name, *size);
                members_.push_back({name, dataOffset, static_cast<std::size_t>(*size)});
                isKept_.push_back(keepIt);
                kept_.push_back(keepIt ? in.readExactly(*size, "member '" + name + "'") : std::vector<std::uint8_t>{});
                if (!keepIt) in.skip(*size, "member '" + name + "'");
                in.skip(padded - *size, "padding");
            } else {
                in.skip(padded, "member '" + field(header, 0, 100) + "'");
            }
        } catch (const DataError& e) {
            truncated(e);
        }
        longName.clear();
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
    for (std::size_t i = 0; i < members_.size(); ++i) {
        if (members_[i].offset != member.offset) continue;
        if (!isKept_[i]) throw DataError(path_, member.name, "this member was not read (not one the dataset uses)");
        return kept_[i];
    }
    throw DataError(path_, member.name, "no such member");
}

}  // namespace tinyforge::core::io
