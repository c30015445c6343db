#pragma once
// Whole-file reads with transparent gzip, bounded so a hostile file cannot exhaust memory.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace tinyforge::core::io {

/// The largest decompressed file the studio reads into memory (CIFAR-100's tarball is ~180 MB).
inline constexpr std::uint64_t kDefaultReadLimit = 8ull << 30;

/// True when the file starts with the gzip magic bytes 1f 8b.
bool isGzipFile(const std::filesystem::path& path);

/// Reads a whole file, inflating it first when it is gzip-compressed.
/// Throws DataError naming the file when it is missing, unreadable, a truncated or corrupt gzip stream,
/// or larger than `limit` bytes once inflated.
std::vector<std::uint8_t> readFileBytes(const std::filesystem::path& path,
                                        std::uint64_t limit = kDefaultReadLimit);

/// Reads a whole file as it is (no gzip); throws DataError naming the file when it is missing, unreadable or
/// larger than `limit` bytes.
std::vector<std::uint8_t> readRawFileBytes(const std::filesystem::path& path, std::uint64_t limit);

/// Reads a small text file whole (no gzip); throws DataError when it is missing or unreadable.
std::string readTextFile(const std::filesystem::path& path, std::uint64_t limit = 64ull << 20);

/// Writes `bytes` to `path` atomically: a temporary file beside it, flushed and fsync'd, then renamed over.
/// A crash leaves either the old file or the new one, never half of one. Throws Error on failure.
void writeFileAtomically(const std::filesystem::path& path, const void* bytes, std::size_t size);

/// Big-endian 32-bit unsigned integer at `offset` of `bytes` (caller checks the bounds).
std::uint32_t readBigEndian32(const std::vector<std::uint8_t>& bytes, std::size_t offset);

}  // namespace tinyforge::core::io
