#include "tests/support/fixtures.h"

#include <zlib.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <stdexcept>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

namespace tinyforge::test {

namespace fs = std::filesystem;

TempDir::TempDir() {
    std::string pattern = (fs::temp_directory_path() / "tinyforge-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
}

TempDir::~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
}

void writeBytes(const fs::path& path, const Bytes& bytes) {
    fs::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

std::string readText(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void writeText(const fs::path& path, const std::string& text) { writeBytes(path, Bytes(text.begin(), text.end())); }

void writeGzip(const fs::path& path, const Bytes& bytes) {
    fs::create_directories(path.parent_path());
    gzFile gz = gzopen(path.c_str(), "wb");
    if (gz == nullptr) throw std::runtime_error("gzopen failed");
    if (!bytes.empty()) gzwrite(gz, bytes.data(), static_cast<unsigned>(bytes.size()));
    gzclose(gz);
}

Bytes truncated(const Bytes& bytes, std::size_t keep) { return Bytes(bytes.begin(), bytes.begin() + keep); }

namespace {
void putBigEndian32(Bytes& out, std::uint32_t value) {
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(value >> shift));
}
}  // namespace

Bytes idxImages(std::uint32_t count, std::uint32_t rows, std::uint32_t cols) {
    Bytes out;
    for (const std::uint32_t word : {0x00000803u, count, rows, cols}) putBigEndian32(out, word);
    for (std::uint32_t n = 0; n < count; ++n)
        for (std::uint32_t y = 0; y < rows; ++y)
            for (std::uint32_t x = 0; x < cols; ++x) out.push_back(static_cast<std::uint8_t>((n * 7 + y * 3 + x) % 256));
    return out;
}

Bytes idxLabels(const std::vector<std::uint8_t>& labels) {
    Bytes out;
    putBigEndian32(out, 0x00000801u);
    putBigEndian32(out, static_cast<std::uint32_t>(labels.size()));
    out.insert(out.end(), labels.begin(), labels.end());
    return out;
}

void writeIdxDataset(const fs::path& folder, const std::vector<std::uint8_t>& trainLabels,
                     const std::vector<std::uint8_t>& testLabels, std::uint32_t rows, std::uint32_t cols, bool gzip) {
    const std::string ext = gzip ? ".gz" : "";
    auto write = [&](const std::string& name, const Bytes& bytes) {
        gzip ? writeGzip(folder / (name + ext), bytes) : writeBytes(folder / name, bytes);
    };
    write("train-images-idx3-ubyte", idxImages(static_cast<std::uint32_t>(trainLabels.size()), rows, cols));
    write("train-labels-idx1-ubyte", idxLabels(trainLabels));
    if (testLabels.empty()) return;
    write("t10k-images-idx3-ubyte", idxImages(static_cast<std::uint32_t>(testLabels.size()), rows, cols));
    write("t10k-labels-idx1-ubyte", idxLabels(testLabels));
}

Bytes cifarRecords(const std::vector<std::vector<std::uint8_t>>& labelBytes) {
    Bytes out;
    for (std::size_t r = 0; r < labelBytes.size(); ++r) {
        out.insert(out.end(), labelBytes[r].begin(), labelBytes[r].end());
        for (int c = 0; c < 3; ++c) out.insert(out.end(), 1024, static_cast<std::uint8_t>((r + c * 80) % 256));
    }
    return out;
}

Bytes tarArchive(const std::vector<std::pair<std::string, Bytes>>& members) {
    Bytes out;
    for (const auto& [name, data] : members) {
        Bytes header(512, 0);
        std::memcpy(header.data(), name.data(), std::min<std::size_t>(name.size(), 100));
        std::snprintf(reinterpret_cast<char*>(header.data() + 100), 8, "%07o", 0644);
        std::snprintf(reinterpret_cast<char*>(header.data() + 108), 8, "%07o", 0);
        std::snprintf(reinterpret_cast<char*>(header.data() + 116), 8, "%07o", 0);
        std::snprintf(reinterpret_cast<char*>(header.data() + 124), 12, "%011o", static_cast<unsigned>(data.size()));
        std::snprintf(reinterpret_cast<char*>(header.data() + 136), 12, "%011o", 0);
        header[156] = '0';
        std::memcpy(header.data() + 257, "ustar", 6);
        std::memcpy(header.data() + 263, "00", 2);
        std::memset(header.data() + 148, ' ', 8);
        unsigned sum = 0;
        for (const auto b : header) sum += b;
        std::snprintf(reinterpret_cast<char*>(header.data() + 148), 8, "%06o", sum);
        out.insert(out.end(), header.begin(), header.end());
        out.insert(out.end(), data.begin(), data.end());
        out.insert(out.end(), (512 - data.size() % 512) % 512, 0);
    }
    out.insert(out.end(), 1024, 0);
    return out;
}

void writeSolidImage(const fs::path& path, int width, int height, int channels, int blue, int green, int red) {
    fs::create_directories(path.parent_path());
    const cv::Mat image = channels == 1 ? cv::Mat(height, width, CV_8UC1, cv::Scalar(blue))
                                        : cv::Mat(height, width, CV_8UC3, cv::Scalar(blue, green, red));
    if (!cv::imwrite(path.string(), image)) throw std::runtime_error("cannot write " + path.string());
}

std::vector<std::uint8_t> balancedLabels(int classes, int perClass) {
    std::vector<std::uint8_t> labels;
    for (int i = 0; i < classes * perClass; ++i) labels.push_back(static_cast<std::uint8_t>(i % classes));
    return labels;
}

std::string randomBytes(std::size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::string bytes(n, '\0');
    for (auto& c : bytes) c = static_cast<char>(rng() & 0xFF);
    return bytes;
}

}  // namespace tinyforge::test
