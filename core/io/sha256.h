#pragma once
// SHA-256 (FIPS 180-4), for content keys: the stage cache names what it stores by the hash of everything a stage
// depends on. Not used for secrets.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace tinyforge::core::io {

/// Incremental SHA-256: add() any number of times, then hexDigest() once.
class Sha256 {
public:
    Sha256();
    void add(const void* data, std::size_t size);
    void add(std::string_view text) { add(text.data(), text.size()); }
    /// The digest as 64 lowercase hex digits. Finishes the hash: add() after it is not allowed.
    std::string hexDigest();

private:
    void compressBlock(const std::uint8_t* block);
    std::array<std::uint32_t, 8> state_;
    std::array<std::uint8_t, 64> buffer_{};
    std::size_t buffered_ = 0;
    std::uint64_t totalBytes_ = 0;
};

/// SHA-256 of `text` as 64 hex digits.
std::string sha256Hex(std::string_view text);

}  // namespace tinyforge::core::io
