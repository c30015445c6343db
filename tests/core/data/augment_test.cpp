#include <catch2/catch.hpp>

#include <set>
#include <vector>

#include "core/data/augment.h"

using namespace tinyforge::core::data;

// A 3x3 single-channel image:  1 2 3 / 4 5 6 / 7 8 9
static const std::uint8_t kImage[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};

TEST_CASE("Crop with padding shifts the image and fills with zeros", "[core][data][augment]") {
    std::uint8_t out[9];
    cropAndFlip(kImage, out, 1, 3, 3, 1, -1, false);  // out(y, x) = in(y - 1, x + 1)
    const std::uint8_t expected[9] = {0, 0, 0, 2, 3, 0, 5, 6, 0};
    CHECK(std::equal(out, out + 9, expected));
}

TEST_CASE("Horizontal flip mirrors each row of each channel", "[core][data][augment]") {
    const std::uint8_t twoChannels[8] = {1, 2, 3, 4, 10, 20, 30, 40};  // 2 channels of 2x2
    std::uint8_t out[8];
    cropAndFlip(twoChannels, out, 2, 2, 2, 0, 0, true);
    const std::uint8_t expected[8] = {2, 1, 4, 3, 20, 10, 40, 30};
    CHECK(std::equal(out, out + 8, expected));
}

TEST_CASE("Random augmentation without padding or flip is the identity", "[core][data][augment]") {
    std::mt19937_64 rng(5);
    std::uint8_t out[9];
    augmentImage(kImage, out, 1, 3, 3, AugmentSettings{0, false}, rng);
    CHECK(std::equal(out, out + 9, kImage));
}

TEST_CASE("Random augmentation produces both flips and several shifts", "[core][data][augment]") {
    std::mt19937_64 rng(11);
    std::set<std::vector<std::uint8_t>> seen;
    for (int i = 0; i < 200; ++i) {
        std::vector<std::uint8_t> out(9);
        augmentImage(kImage, out.data(), 1, 3, 3, AugmentSettings{1, true}, rng);
        seen.insert(out);
    }
    CHECK(seen.size() == 18);  // 3 x 3 shifts, each flipped or not
}
