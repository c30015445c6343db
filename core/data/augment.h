#pragma once
// Image augmentation for training: random crop with zero padding, and horizontal flip. Works on C, H, W bytes.

#include <cstdint>
#include <random>

namespace tinyforge::core::data {

struct AugmentSettings {
    int padding = 4;            ///< the crop window moves up to this many pixels in each direction
    bool horizontalFlip = true;  ///< mirror left-right with probability 1/2
};

/// Writes `src` shifted so that dst(y, x) = src(y + dy, x + dx), zero where that falls outside the image,
/// then mirrored left-right when `flip`. This is a crop of the zero-padded image at offset (padding + dx, padding + dy).
void cropAndFlip(const std::uint8_t* src, std::uint8_t* dst, int channels, int height, int width, int dx, int dy,
                 bool flip);

/// cropAndFlip with dx, dy drawn uniformly from [-padding, padding] and flip with probability 1/2.
void augmentImage(const std::uint8_t* src, std::uint8_t* dst, int channels, int height, int width,
                  const AugmentSettings& settings, std::mt19937_64& rng);

}  // namespace tinyforge::core::data
