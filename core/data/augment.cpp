#include "core/data/augment.h"

#include <cstring>

namespace tinyforge::core::data {

void cropAndFlip(const std::uint8_t* src, std::uint8_t* dst, int channels, int height, int width, int dx, int dy,
                 bool flip) {
    for (int c = 0; c < channels; ++c) {
        const std::uint8_t* srcPlane = src + static_cast<std::ptrdiff_t>(c) * height * width;
        std::uint8_t* dstPlane = dst + static_cast<std::ptrdiff_t>(c) * height * width;
        for (int y = 0; y < height; ++y) {
            const int sy = y + dy;
            std::uint8_t* row = dstPlane + static_cast<std::ptrdiff_t>(y) * width;
            for (int x = 0; x < width; ++x) {
                const int sx = (flip ? width - 1 - x : x) + dx;
                const bool inside = sy >= 0 && sy < height && sx >= 0 && sx < width;
                row[x] = inside ? srcPlane[static_cast<std::ptrdiff_t>(sy) * width + sx] : 0;
            }
        }
    }
}

void augmentImage(const std::uint8_t* src, std::uint8_t* dst, int channels, int height, int width,
                  const AugmentSettings& settings, std::mt19937_64& rng) {
    std::uniform_int_distribution<int> shift(-settings.padding, settings.padding);
    const int dx = shift(rng);
    const int dy = shift(rng);
    const bool flip = settings.horizontalFlip && (rng() & 1u) != 0;
    cropAndFlip(src, dst, channels, height, width, dx, dy, flip);
}

}  // namespace tinyforge::core::data
