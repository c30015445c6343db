// The image header reader against files written by the real encoders (OpenCV's libpng, libjpeg, libtiff, libwebp,
// OpenJPEG) and against headers built by hand to be hostile: oversized, cut short, malformed.

#include <catch2/catch.hpp>

#include "core/data/image_header.h"
#include "core/data/load_dataset.h"
#include "core/error.h"
#include "core/io/file_bytes.h"
#include "tests/support/fixtures.h"

using namespace tinyforge;
using namespace tinyforge::core::data;
namespace fx = tinyforge::test;
using Catch::Matchers::Contains;

namespace {

using Bytes = std::vector<std::uint8_t>;

ImageHeader headerOf(const Bytes& bytes) { return readImageHeader(bytes, "picture"); }

std::string errorOf(const Bytes& bytes) {
    try {
        headerOf(bytes);
    } catch (const DataError& e) {
        return e.what();
    }
    FAIL("no DataError");
    return {};
}

void putBe32(Bytes& b, std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) b[at + i] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
}

// A PNG whose IHDR declares width x height; no image data follows (the reader never needs it).
Bytes pngHeader(std::uint32_t width, std::uint32_t height) {
    Bytes b{0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
    b.resize(33);
    putBe32(b, 16, width);
    putBe32(b, 20, height);
    b[24] = 8;
    return b;
}

Bytes bytesOf(const std::string& text) { return Bytes(text.begin(), text.end()); }

}  // namespace

TEST_CASE("Image headers give the size the real encoders wrote, in every format a folder may hold", "[core][data][image-header]") {
    fx::TempDir dir;
    const std::vector<std::pair<std::string, std::string>> files{
        {"a.png", "png"}, {"a.jpg", "jpeg"}, {"a.bmp", "bmp"}, {"a.pgm", "pnm"}, {"a.ppm", "pnm"},
        {"a.tif", "tiff"}, {"a.webp", "webp"}, {"a.jp2", "jpeg2000"}};
    for (const auto& [name, format] : files) {
        const int channels = name.ends_with(".pgm") ? 1 : 3;
        fx::writeSolidImage(dir / name, 67, 45, channels, 10, 20, 30);  // sides differ so swapped fields show
        const auto header = readImageHeader(core::io::readRawFileBytes(dir / name, 1 << 20), dir / name);
        INFO(name);
        CHECK(header.format == format);
        CHECK(header.width == 67);
        CHECK(header.height == 45);
    }
}

TEST_CASE("Image headers built by hand: comments in PNM, top-down BMP, BigTIFF, every WebP kind, raw JPEG 2000", "[core][data][image-header]") {
    CHECK(headerOf(bytesOf("P5\n# made by hand\n 640 # width\n480\n255\n")).width == 640);
    CHECK(headerOf(bytesOf("P5\n# made by hand\n 640 # width\n480\n255\n")).height == 480);

    Bytes bmp(54, 0);
    bmp[0] = 'B'; bmp[1] = 'M'; bmp[14] = 40;
    bmp[18] = 0x20; bmp[19] = 0x03;                                  // width 800
    bmp[22] = 0xA8; bmp[23] = 0xFD; bmp[24] = 0xFF; bmp[25] = 0xFF;  // height -600: rows top-down
    CHECK(headerOf(bmp).width == 800);
    CHECK(headerOf(bmp).height == 600);

    // BigTIFF, big-endian: header 16 bytes, IFD at 16 with two LONG8 entries.
    Bytes tiff{'M', 'M', 0, 43, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 16};
    tiff.resize(16 + 8 + 2 * 20, 0);
    tiff[23] = 2;
    auto entry = [&](std::size_t at, std::uint8_t tag, std::uint32_t value) {
        tiff[at] = 1; tiff[at + 1] = tag; tiff[at + 3] = 16; tiff[at + 11] = 1;
        for (int i = 0; i < 4; ++i) tiff[at + 16 + i] = static_cast<std::uint8_t>(value >> (24 - 8 * i));
    };
    entry(24, 0, 3000);  // tag 256: ImageWidth
    entry(44, 1, 2000);  // tag 257: ImageLength
    CHECK(headerOf(tiff).format == "tiff");
    CHECK(headerOf(tiff).width == 3000);
    CHECK(headerOf(tiff).height == 2000);

    Bytes webp = bytesOf(std::string("RIFF\x20\0\0\0WEBPVP8L", 16));
    webp.resize(30, 0);
    webp[20] = 0x2F;
    const std::uint32_t bits = (99 - 1) | (77 - 1) << 14;  // 14-bit sides minus one
    for (int i = 0; i < 4; ++i) webp[21 + i] = static_cast<std::uint8_t>(bits >> (8 * i));
    CHECK(headerOf(webp).width == 99);
    CHECK(headerOf(webp).height == 77);
    Bytes extended = bytesOf(std::string("RIFF\x20\0\0\0WEBPVP8X", 16));
    extended.resize(30, 0);
    extended[24] = 0xFF; extended[25] = 0x3F;  // canvas width 16384
    extended[27] = 0x0F;                       // canvas height 16
    CHECK(headerOf(extended).width == 16384);
    CHECK(headerOf(extended).height == 16);

    Bytes j2k{0xFF, 0x4F, 0xFF, 0x51, 0, 41, 0, 0};
    j2k.resize(24, 0);
    putBe32(j2k, 8, 1010);   // Xsiz
    putBe32(j2k, 12, 520);   // Ysiz
    putBe32(j2k, 16, 10);    // XOsiz
    putBe32(j2k, 20, 20);    // YOsiz
    CHECK(headerOf(j2k).width == 1000);
    CHECK(headerOf(j2k).height == 500);
}

TEST_CASE("An image header that declares too many pixels, none, or lies about its length is refused, naming the file", "[core][data][image-header][bad-input]") {
    CHECK(headerOf(pngHeader(8192, 8192)).width == 8192);  // the limit itself passes
    CHECK_THAT(errorOf(pngHeader(8193, 8192)), Contains("picture") && Contains("8193x8192 pixels") && Contains("64 megapixels"));
    CHECK_THAT(errorOf(pngHeader(0xFFFFFFFF, 0xFFFFFFFF)), Contains("4294967295x4294967295"));
    CHECK_THAT(errorOf(pngHeader(0, 10)), Contains("both sides must be at least 1"));
    CHECK_THAT(errorOf(fx::truncated(pngHeader(10, 10), 20)), Contains("png header: cut short"));
    CHECK_THAT(errorOf(bytesOf("GIF89a")), Contains("not an image the studio reads"));
    CHECK_THAT(errorOf({}), Contains("not an image the studio reads"));
    CHECK_THAT(errorOf(bytesOf("P5 12345678901 4 255")), Contains("more than 10 digits"));
    CHECK_THAT(errorOf(bytesOf("P5 12 x")), Contains("height is not a number"));
    // A JPEG with a segment length below 2 would loop forever on a careless reader.
    CHECK_THAT(errorOf({0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x01}), Contains("segment length 1"));
    CHECK_THAT(errorOf({0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x08}), Contains("no frame header"));
    // A TIFF whose first directory lies past the end of the file.
    CHECK_THAT(errorOf({'I', 'I', 42, 0, 0xFF, 0xFF, 0, 0}), Contains("past the end"));
    // A JP2 box whose length runs past the file.
    Bytes jp2{0, 0, 0, 0x0C, 'j', 'P', ' ', ' ', 0x0D, 0x0A, 0x87, 0x0A, 0, 0, 0x10, 0, 'j', 'p', '2', 'h'};
    CHECK_THAT(errorOf(jp2), Contains("has length 4096"));
}

TEST_CASE("An image folder refuses an oversized picture before decoding it", "[core][data][folder][bad-input]") {
    fx::TempDir dir;
    fx::writeSolidImage(dir / "a/1.png", 4, 4, 1, 0, 0, 0);
    // 60,000 x 60,000 pixels would be 3.6 GB decoded; the file is 33 bytes.
    fx::writeBytes(dir / "b/huge.png", pngHeader(60000, 60000));
    LoadOptions options;
    options.path = dir.path();
    options.format = "folder";
    options.imageWidth = options.imageHeight = 8;
    options.imageChannels = 1;
    try {
        loadDataset(options);
        FAIL("the oversized image was accepted");
    } catch (const DataError& e) {
        CHECK_THAT(std::string(e.what()), Contains((dir / "b/huge.png").string()) && Contains("60000x60000 pixels"));
    }
}
