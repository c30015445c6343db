// The `idx` format: MNIST and Fashion-MNIST image and label files (raw or .gz), found in a folder by their usual names.

#include <algorithm>
#include <array>
#include <optional>

#include "core/data/builtin_formats.h"
#include "core/data/class_names.h"
#include "core/error.h"
#include "core/io/byte_stream.h"
#include "core/io/file_bytes.h"

namespace tinyforge::core::data {

namespace {

namespace fs = std::filesystem;

constexpr std::uint32_t kImagesMagic = 0x00000803;  // unsigned bytes, 3 dimensions
constexpr std::uint32_t kLabelsMagic = 0x00000801;  // unsigned bytes, 1 dimension

// "train-images-idx3-ubyte", its dotted variant "train-images.idx3-ubyte", each optionally gzipped.
std::optional<fs::path> findIdxFile(const fs::path& folder, const std::string& split, const std::string& kind,
                                    const std::string& suffix) {
    for (const auto& separator : {"-", "."}) {
        for (const auto& compression : {"", ".gz"}) {
            const fs::path candidate = folder / (split + "-" + kind + separator + suffix + compression);
            if (fs::is_regular_file(candidate)) return candidate;
        }
    }
    return std::nullopt;
}

struct IdxImages {
    std::uint32_t count = 0, rows = 0, cols = 0;
    std::vector<std::uint8_t> pixels;
};

// The header is read and checked before any data: the sizes it declares bound every later read.
std::vector<std::uint8_t> readHeader(io::ByteStream& in, std::size_t size) {
    std::vector<std::uint8_t> header(size);
    const auto got = in.read(header.data(), size);
    if (got < size) {
        throw DataError(in.path(), "", "truncated header: " + std::to_string(got) + " bytes, expected at least " + std::to_string(size));
    }
    return header;
}

std::string hex(std::uint32_t value) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out = "0x";
    for (int shift = 28; shift >= 0; shift -= 4) out += digits[(value >> shift) & 0xf];
    return out;
}

void requireMagic(const io::ByteStream& in, std::uint32_t magic, std::uint32_t expected, const char* kind) {
    if (magic != expected) {
        throw DataError(in.path(), "offset 0", "wrong magic number " + hex(magic) + ", expected " + hex(expected) + " (IDX unsigned-byte " + kind + ")");
    }
}

// The data the header declares, then nothing more: a file that runs short or long is refused.
std::vector<std::uint8_t> readDeclared(io::ByteStream& in, std::uint64_t bytes, const std::string& declared) {
    if (bytes > io::kDefaultReadLimit) {
        throw DataError(in.path(), "", "header declares " + declared + " (" + std::to_string(bytes) + " bytes), more than the " +
                                           std::to_string(io::kDefaultReadLimit >> 30) + " GiB limit");
    }
    const auto headerBytes = in.position();
    std::vector<std::uint8_t> data;
    try {
        data = in.readExactly(bytes, declared);
    } catch (const DataError& e) {
        if (e.problem().rfind("truncated:", 0) != 0) throw;
        throw DataError(in.path(), "", "header declares " + declared + " (" + std::to_string(headerBytes + bytes) + " bytes) but the file holds " +
                                           std::to_string(in.position()));
    }
    if (!in.atEnd()) throw DataError(in.path(), "", "header declares " + declared + " but the file holds more bytes than that");
    return data;
}

IdxImages readImages(const fs::path& file) {
    io::ByteStream in(file);
    const auto header = readHeader(in, 16);
    requireMagic(in, io::readBigEndian32(header, 0), kImagesMagic, "images");
    IdxImages images;
    images.count = io::readBigEndian32(header, 4);
    images.rows = io::readBigEndian32(header, 8);
    images.cols = io::readBigEndian32(header, 12);
    if (images.rows == 0 || images.cols == 0 || images.rows > 4096 || images.cols > 4096) {
        throw DataError(file, "offset 8", "image size " + std::to_string(images.rows) + "x" +
                                              std::to_string(images.cols) + " is outside 1..4096");
    }
    // 64-bit arithmetic cannot overflow here: count < 2^32 and rows * cols <= 2^24.
    const std::uint64_t bytes = std::uint64_t{images.count} * images.rows * images.cols;
    images.pixels = readDeclared(in, bytes, std::to_string(images.count) + " images of " + std::to_string(images.rows) + "x" + std::to_string(images.cols));
    return images;
}

std::vector<std::uint8_t> readLabels(const fs::path& file) {
    io::ByteStream in(file);
    const auto header = readHeader(in, 8);
    requireMagic(in, io::readBigEndian32(header, 0), kLabelsMagic, "labels");
    const std::uint64_t count = io::readBigEndian32(header, 4);
    try {
        return readDeclared(in, count, std::to_string(count) + " labels");
    } catch (const DataError& e) {
        // Said in labels, not bytes, for a short file: how many labels are missing is what the user can check.
        if (e.problem().find("but the file holds ") == std::string::npos || e.problem().find("more bytes") != std::string::npos) throw;
        throw DataError(file, "", "header declares " + std::to_string(count) + " labels but the file holds " + std::to_string(in.position() - 8));
    }
}

class IdxFormat final : public DatasetFormat {
public:
    std::string id() const override { return "idx"; }
    std::string description() const override {
        return "MNIST / Fashion-MNIST IDX files (train-images-idx3-ubyte[.gz] ...) in a folder";
    }
    bool detect(const fs::path& path) const override {
        return fs::is_directory(path) && findIdxFile(path, "train", "images", "idx3-ubyte").has_value();
    }
    std::string datasetName(const fs::path& path) const override {
        return looksLikeFashionMnist(path) ? "fashion-mnist" : "mnist";
    }
    LoadedSamples load(const LoadOptions& options, ProgressObserver* observer) const override;

private:
    static void appendSplit(LoadedSamples& out, const fs::path& folder, const std::string& split,
                            ProgressObserver* observer);
};

void IdxFormat::appendSplit(LoadedSamples& out, const fs::path& folder, const std::string& split,
                            ProgressObserver* observer) {
    const auto imagesFile = findIdxFile(folder, split, "images", "idx3-ubyte");
    const auto labelsFile = findIdxFile(folder, split, "labels", "idx1-ubyte");
    if (!labelsFile) throw DataError(folder, "", "has " + imagesFile->filename().string() + " but no " + split +
                                                     "-labels-idx1-ubyte[.gz]");
    reportProgress(observer, {"reading " + imagesFile->filename().string(), 0, 0, ""});
    const IdxImages images = readImages(*imagesFile);
    if (images.count == 0) throw DataError(*imagesFile, "offset 4", "holds no images");
    const auto labels = readLabels(*labelsFile);
    if (labels.size() != images.count) {
        throw DataError(*labelsFile, "", "holds " + std::to_string(labels.size()) + " labels but " +
                                             imagesFile->filename().string() + " holds " +
                                             std::to_string(images.count) + " images");
    }
    const std::vector<std::int64_t> shape{1, images.rows, images.cols};
    if (!out.sampleShape.empty() && out.sampleShape != shape) {
        throw DataError(*imagesFile, "offset 8", "images are " + std::to_string(images.rows) + "x" +
                                                     std::to_string(images.cols) + ", unlike the training images");
    }
    out.sampleShape = shape;
    out.pixels.insert(out.pixels.end(), images.pixels.begin(), images.pixels.end());
    out.labels.insert(out.labels.end(), labels.begin(), labels.end());
}

LoadedSamples IdxFormat::load(const LoadOptions& options, ProgressObserver* observer) const {
    const fs::path& folder = options.path;
    if (!fs::is_directory(folder)) throw DataError(folder, "", "not a folder (expected one holding IDX files)");
    if (!findIdxFile(folder, "train", "images", "idx3-ubyte")) {
        throw DataError(folder, "", "no train-images-idx3-ubyte[.gz] in this folder");
    }
    LoadedSamples out;
    out.kind = SampleKind::Image;
    appendSplit(out, folder, "train", observer);
    if (findIdxFile(folder, "t10k", "images", "idx3-ubyte")) {
        out.officialTestBegin = static_cast<std::int64_t>(out.labels.size());
        appendSplit(out, folder, "t10k", observer);
    }
    const auto maxLabel = out.labels.empty() ? 0 : *std::max_element(out.labels.begin(), out.labels.end());
    out.classNames = mnistClassNames(folder, maxLabel + 1);
    return out;
}

}  // namespace

std::unique_ptr<DatasetFormat> makeIdxFormat() { return std::make_unique<IdxFormat>(); }

}  // namespace tinyforge::core::data
