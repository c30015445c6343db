#pragma once
// Small dataset fixtures that tests write on the fly: IDX files, CIFAR records, tar and gzip archives, image folders.

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace tinyforge::test {

using Bytes = std::vector<std::uint8_t>;

/// A fresh folder under the system temp dir, removed with everything in it when the object goes.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

private:
    std::filesystem::path path_;
};

void writeBytes(const std::filesystem::path& path, const Bytes& bytes);
/// The whole file as text ("" when it cannot be read).
std::string readText(const std::filesystem::path& path);
void writeText(const std::filesystem::path& path, const std::string& text);
/// `n` pseudo-random bytes, the same for the same seed.
std::string randomBytes(std::size_t n, unsigned seed);
/// Writes `bytes` gzip-compressed.
void writeGzip(const std::filesystem::path& path, const Bytes& bytes);
/// The first `keep` bytes of `bytes`.
Bytes truncated(const Bytes& bytes, std::size_t keep);

/// An IDX3 image file: magic 0x803, count, rows, cols, then pixel (n, y, x) = (n * 7 + y * 3 + x) % 256.
Bytes idxImages(std::uint32_t count, std::uint32_t rows, std::uint32_t cols);
/// An IDX1 label file.
Bytes idxLabels(const std::vector<std::uint8_t>& labels);
/// Writes train (and, if testLabels is non-empty, t10k) IDX files of rows x cols images into `folder`.
void writeIdxDataset(const std::filesystem::path& folder, const std::vector<std::uint8_t>& trainLabels,
                     const std::vector<std::uint8_t>& testLabels, std::uint32_t rows, std::uint32_t cols, bool gzip);

/// CIFAR records: each the label bytes then 3072 pixels where channel c of record r is filled with (r + c * 80) % 256.
Bytes cifarRecords(const std::vector<std::vector<std::uint8_t>>& labelBytes);
/// A ustar archive of the named members (gzip it with writeGzip for a .tar.gz).
Bytes tarArchive(const std::vector<std::pair<std::string, Bytes>>& members);

/// Writes a width x height image filled with one colour (B, G, R for colour; gray when channels == 1).
void writeSolidImage(const std::filesystem::path& path, int width, int height, int channels, int blue, int green,
                     int red);

/// Labels 0, 1, ..., classes-1, 0, 1, ...: `perClass` samples of each class, interleaved.
std::vector<std::uint8_t> balancedLabels(int classes, int perClass);

}  // namespace tinyforge::test
