#include "core/data/image_header.h"

#include <algorithm>
#include <cstring>
#include <optional>

#include "core/error.h"

namespace tinyforge::core::data {

namespace {

namespace fs = std::filesystem;

// Bounds-checked reads of the header; a read past the end means the header is cut short.
class HeaderBytes {
public:
    HeaderBytes(std::span<const std::uint8_t> bytes, const fs::path& file, std::string format)
        : bytes_(bytes), file_(file), format_(std::move(format)) {}

    std::size_t size() const { return bytes_.size(); }
    const std::string& format() const { return format_; }
    bool has(std::size_t offset, std::size_t count) const { return offset <= bytes_.size() && count <= bytes_.size() - offset; }
    std::uint8_t u8(std::size_t offset) const { return at(offset, 1)[0]; }
    std::uint32_t be16(std::size_t offset) const { const auto* p = at(offset, 2); return std::uint32_t{p[0]} << 8 | p[1]; }
    std::uint32_t le16(std::size_t offset) const { const auto* p = at(offset, 2); return std::uint32_t{p[1]} << 8 | p[0]; }
    std::uint32_t le24(std::size_t offset) const { const auto* p = at(offset, 3); return std::uint32_t{p[2]} << 16 | std::uint32_t{p[1]} << 8 | p[0]; }
    std::uint32_t be32(std::size_t offset) const { const auto* p = at(offset, 4); return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3]; }
    std::uint32_t le32(std::size_t offset) const { const auto* p = at(offset, 4); return std::uint32_t{p[3]} << 24 | std::uint32_t{p[2]} << 16 | std::uint32_t{p[1]} << 8 | p[0]; }
    std::uint64_t be64(std::size_t offset) const { return std::uint64_t{be32(offset)} << 32 | be32(offset + 4); }
    std::uint64_t le64(std::size_t offset) const { return std::uint64_t{le32(offset + 4)} << 32 | le32(offset); }
    bool matches(std::size_t offset, std::string_view text) const {
        return has(offset, text.size()) && std::memcmp(bytes_.data() + offset, text.data(), text.size()) == 0;
    }

    [[noreturn]] void fail(const std::string& problem) const { throw DataError(file_, "", format_ + " header: " + problem); }

private:
    const std::uint8_t* at(std::size_t offset, std::size_t count) const {
        if (!has(offset, count)) fail("cut short (the file ends at byte " + std::to_string(bytes_.size()) + ")");
        return bytes_.data() + offset;
    }
    std::span<const std::uint8_t> bytes_;
    const fs::path& file_;
    std::string format_;
};

struct Size {
    std::uint64_t width, height;
};

Size pngSize(const HeaderBytes& h) {
    if (!h.matches(12, "IHDR")) h.fail("the first chunk is not IHDR");
    return {h.be32(16), h.be32(20)};
}

// Walks the marker segments up to the first start-of-frame (SOF0..SOF15 but DHT, JPG and DAC share those codes).
Size jpegSize(const HeaderBytes& h) {
    std::size_t pos = 2;
    for (;;) {
        if (h.u8(pos) != 0xFF) h.fail("no marker at byte " + std::to_string(pos));
        while (h.u8(pos) == 0xFF) ++pos;  // fill bytes
        const std::uint8_t marker = h.u8(pos++);
        if (marker == 0x01 || marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7)) continue;  // no length field
        if (marker == 0xD9 || marker == 0xDA) h.fail("no frame header before the image data");
        const std::uint32_t length = h.be16(pos);
        if (length < 2) h.fail("segment length " + std::to_string(length) + " at byte " + std::to_string(pos));
        const bool startOfFrame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
        if (startOfFrame) return {h.be16(pos + 5), h.be16(pos + 3)};
        pos += length;
    }
}

Size bmpSize(const HeaderBytes& h) {
    const std::uint32_t infoSize = h.le32(14);
    if (infoSize == 12) return {h.le16(18), h.le16(20)};  // OS/2 BITMAPCOREHEADER: unsigned 16-bit sides
    if (infoSize < 40) h.fail("unknown info header of " + std::to_string(infoSize) + " bytes");
    const auto width = static_cast<std::int32_t>(h.le32(18));
    const auto height = static_cast<std::int32_t>(h.le32(22));  // negative: rows stored top-down
    if (width < 0) h.fail("negative width " + std::to_string(width));
    const std::uint64_t rows = height < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(std::int64_t{height}) : static_cast<std::uint64_t>(height);
    return {static_cast<std::uint64_t>(width), rows};
}

// P1..P6: magic, then width and height as decimal text separated by whitespace and # comments.
Size pnmSize(const HeaderBytes& h) {
    std::size_t pos = 2;
    auto number = [&](const char* what) {
        for (;;) {
            if (!h.has(pos, 1)) h.fail(std::string("cut short before the ") + what);
            const char c = static_cast<char>(h.u8(pos));
            if (c == '#') {
                while (h.has(pos, 1) && h.u8(pos) != '\n' && h.u8(pos) != '\r') ++pos;
            } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
                ++pos;
            } else {
                break;
            }
        }
        std::uint64_t value = 0;
        std::size_t digits = 0;
        while (h.has(pos, 1) && h.u8(pos) >= '0' && h.u8(pos) <= '9') {
            if (++digits > 10) h.fail(std::string("the ") + what + " has more than 10 digits");
            value = value * 10 + (h.u8(pos++) - '0');
        }
        if (digits == 0) h.fail(std::string("the ") + what + " is not a number at byte " + std::to_string(pos));
        return value;
    };
    const std::uint64_t width = number("width");
    return {width, number("height")};
}

// Classic TIFF (32-bit offsets) and BigTIFF (64-bit): tags 256 (ImageWidth) and 257 (ImageLength) of the first IFD.
Size tiffSize(const HeaderBytes& h) {
    const bool little = h.u8(0) == 'I';
    auto u16 = [&](std::size_t at) { return little ? h.le16(at) : h.be16(at); };
    auto u32 = [&](std::size_t at) { return little ? h.le32(at) : h.be32(at); };
    auto u64 = [&](std::size_t at) { return little ? h.le64(at) : h.be64(at); };
    const bool big = u16(2) == 43;
    const std::uint64_t ifd = big ? u64(8) : u32(4);
    if (ifd >= h.size()) h.fail("the first directory's offset " + std::to_string(ifd) + " is past the end of the file");
    const std::uint64_t entries = big ? u64(ifd) : u16(ifd);
    const std::size_t entrySize = big ? 20 : 12;
    const std::size_t first = static_cast<std::size_t>(ifd) + (big ? 8 : 2);
    std::optional<std::uint64_t> width, height;
    for (std::uint64_t i = 0; i < entries && !(width && height); ++i) {
        const std::size_t entry = first + static_cast<std::size_t>(i) * entrySize;
        if (!h.has(entry, entrySize)) h.fail("directory entry " + std::to_string(i) + " is past the end of the file");
        const std::uint32_t tag = u16(entry), type = u16(entry + 2);
        if (tag != 256 && tag != 257) continue;
        const std::size_t value = entry + (big ? 12 : 8);
        std::uint64_t v = 0;
        if (type == 3) v = u16(value);
        else if (type == 4) v = u32(value);
        else if (type == 16 && big) v = u64(value);
        else h.fail("tag " + std::to_string(tag) + " has type " + std::to_string(type) + ", not an integer");
        (tag == 256 ? width : height) = v;
    }
    if (!width || !height) h.fail("the first directory gives no image width and length");
    return {*width, *height};
}

Size webpSize(const HeaderBytes& h) {
    if (h.matches(12, "VP8 ")) {
        if (h.u8(23) != 0x9D || h.u8(24) != 0x01 || h.u8(25) != 0x2A) h.fail("no VP8 start code");
        return {h.le16(26) & 0x3FFF, h.le16(28) & 0x3FFF};
    }
    if (h.matches(12, "VP8L")) {
        if (h.u8(20) != 0x2F) h.fail("no VP8L signature");
        const std::uint32_t bits = h.le32(21);
        return {(bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1};
    }
    if (h.matches(12, "VP8X")) return {std::uint64_t{h.le24(24)} + 1, std::uint64_t{h.le24(27)} + 1};
    h.fail("the first chunk is none of VP8, VP8L or VP8X");
}

// A raw codestream: the SIZ segment follows SOC; the image area is the reference grid minus its offset.
Size j2kCodestreamSize(const HeaderBytes& h, std::size_t at) {
    if (h.be16(at) != 0xFF4F || h.be16(at + 2) != 0xFF51) h.fail("the codestream does not start with SOC and SIZ");
    const std::uint32_t xsiz = h.be32(at + 8), ysiz = h.be32(at + 12), xoff = h.be32(at + 16), yoff = h.be32(at + 20);
    if (xoff > xsiz || yoff > ysiz) h.fail("the image offset lies outside the reference grid");
    return {xsiz - xoff, ysiz - yoff};
}

// A JP2 file: boxes; the size is in the image header box (ihdr) inside the JP2 header box (jp2h).
Size jp2Size(const HeaderBytes& h) {
    std::size_t pos = 0, end = h.size();
    bool insideHeader = false;
    while (pos < end) {
        std::uint64_t length = h.be32(pos);
        std::size_t headerLength = 8;
        if (length == 1) {
            length = h.be64(pos + 8);
            headerLength = 16;
        } else if (length == 0) {
            length = end - pos;  // the box runs to the end
        }
        if (length < headerLength || length > end - pos) h.fail("box at byte " + std::to_string(pos) + " has length " + std::to_string(length));
        if (!insideHeader && h.matches(pos + 4, "jp2h")) {
            insideHeader = true;
            end = pos + static_cast<std::size_t>(length);
            pos += headerLength;
            continue;
        }
        if (insideHeader && h.matches(pos + 4, "ihdr")) return {h.be32(pos + headerLength + 4), h.be32(pos + headerLength)};
        if (!insideHeader && h.matches(pos + 4, "jp2c")) return j2kCodestreamSize(h, pos + headerLength);
        pos += static_cast<std::size_t>(length);
    }
    h.fail("no image header box (ihdr)");
}

std::optional<std::string> formatOf(std::span<const std::uint8_t> b) {
    auto starts = [&](std::initializer_list<std::uint8_t> magic) {
        return b.size() >= magic.size() && std::equal(magic.begin(), magic.end(), b.begin());
    };
    if (starts({0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A})) return "png";
    if (starts({0xFF, 0xD8, 0xFF})) return "jpeg";
    if (starts({'B', 'M'})) return "bmp";
    if (b.size() >= 2 && b[0] == 'P' && b[1] >= '1' && b[1] <= '6') return "pnm";
    if (starts({'I', 'I', 42, 0}) || starts({'M', 'M', 0, 42}) || starts({'I', 'I', 43, 0}) || starts({'M', 'M', 0, 43})) return "tiff";
    if (b.size() >= 12 && starts({'R', 'I', 'F', 'F'}) && std::equal(b.begin() + 8, b.begin() + 12, "WEBP")) return "webp";
    if (starts({0, 0, 0, 0x0C, 'j', 'P', ' ', ' ', 0x0D, 0x0A, 0x87, 0x0A}) || starts({0xFF, 0x4F, 0xFF, 0x51})) return "jpeg2000";
    return std::nullopt;
}

}  // namespace

ImageHeader readImageHeader(std::span<const std::uint8_t> bytes, const fs::path& file) {
    const auto format = formatOf(bytes);
    if (!format) {
        throw DataError(file, "", "is not an image the studio reads (expected PNG, JPEG, BMP, PGM/PPM/PBM, TIFF, WebP or JPEG 2000)");
    }
    const HeaderBytes h(bytes, file, *format);
    Size size{};
    if (*format == "png") size = pngSize(h);
    else if (*format == "jpeg") size = jpegSize(h);
    else if (*format == "bmp") size = bmpSize(h);
    else if (*format == "pnm") size = pnmSize(h);
    else if (*format == "tiff") size = tiffSize(h);
    else if (*format == "webp") size = webpSize(h);
    else size = bytes[0] == 0xFF ? j2kCodestreamSize(h, 0) : jp2Size(h);

    const std::string dimensions = std::to_string(size.width) + "x" + std::to_string(size.height);
    if (size.width == 0 || size.height == 0) h.fail("the image is " + dimensions + " pixels; both sides must be at least 1");
    // Each side is below 2^32, so the product fits 64 bits.
    if (size.width > 0xFFFFFFFFull || size.height > 0xFFFFFFFFull || size.width * size.height > kMaxImagePixels) {
        throw DataError(file, "", "the image is " + dimensions + " pixels, more than the " + std::to_string(kMaxImagePixels >> 20) +
                                      " megapixels a dataset image may have; downscale it first");
    }
    return {*format, size.width, size.height};
}

}  // namespace tinyforge::core::data
