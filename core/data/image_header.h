#pragma once
// An image file's pixel size read from its header alone, so an image folder refuses an oversized picture before a
// decoder allocates it (a 60,000 x 60,000 PNG of a few KB would otherwise ask for 10 GB).

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

namespace tinyforge::core::data {

struct ImageHeader {
    std::string format;  ///< "png", "jpeg", "bmp", "pnm", "tiff", "webp" or "jpeg2000"
    std::uint64_t width = 0;
    std::uint64_t height = 0;
};

/// The largest image a dataset folder may hold, in pixels (8192 x 8192): a 48-megapixel phone photo fits.
constexpr std::uint64_t kMaxImagePixels = 8192ull * 8192ull;

/// Reads the format and size from the first bytes of an image file. Throws DataError naming `file` when the bytes
/// are no image format the studio reads, the header is cut short or malformed, a side is zero, or the image has
/// more than kMaxImagePixels pixels.
ImageHeader readImageHeader(std::span<const std::uint8_t> bytes, const std::filesystem::path& file);

}  // namespace tinyforge::core::data
