// The `cifar10` and `cifar100` formats: the binary versions, from the extracted folder or the original .tar.gz.

#include <algorithm>
#include <optional>

#include "core/data/builtin_formats.h"
#include "core/data/class_names.h"
#include "core/error.h"
#include "core/io/file_bytes.h"
#include "core/io/tar_archive.h"

namespace tinyforge::core::data {

namespace {

namespace fs = std::filesystem;

constexpr std::int64_t kImageBytes = 3 * 32 * 32;  // R, G and B planes of 32x32, already in C, H, W order
constexpr std::uint64_t kMaxMemberBytes = 256ull << 20;

std::string lowerFileName(const fs::path& path) {
    std::string name = path.filename().string();
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    return name;
}

bool isTarball(const fs::path& path) {
    const auto name = lowerFileName(path);
    return fs::is_regular_file(path) && (name.ends_with(".tar.gz") || name.ends_with(".tgz") || name.ends_with(".tar"));
}

// The dataset's files, whether they sit in a folder (or the folder the tarball unpacks to) or in the tarball.
class CifarFiles {
public:
    /// `wanted`: the file names the format reads; a tarball's other members are skipped without being kept.
    CifarFiles(const fs::path& path, const std::string& unpackedFolder, const std::vector<std::string>& wanted) : root_(path) {
        if (isTarball(path)) archive_.emplace(path, [&](const std::string& member, std::uint64_t size) {
            const auto name = fs::path(member).filename().string();
            if (std::find(wanted.begin(), wanted.end(), name) == wanted.end()) return false;
            // CIFAR-100's train.bin, the largest, is 153.7 MB.
            if (size > kMaxMemberBytes) throw DataError(path.string() + ":" + member, "", "declares " + std::to_string(size) + " bytes, more than a CIFAR file holds");
            return true;
        });
        else if (!fs::is_directory(path)) throw DataError(path, "", "neither a folder nor a .tar.gz archive");
        else if (fs::is_directory(path / unpackedFolder)) root_ = path / unpackedFolder;
    }
    bool has(const std::string& name) const {
        return archive_ ? archive_->findByFileName(name).has_value() : fs::is_regular_file(root_ / name);
    }
    /// Where a file is, as the user should read it in an error: a path, or archive:member.
    fs::path where(const std::string& name) const {
        if (!archive_) return root_ / name;
        const auto member = archive_->findByFileName(name);
        return root_.string() + ":" + (member ? member->name : name);
    }
    std::vector<std::uint8_t> read(const std::string& name) const {
        if (!has(name)) throw DataError(root_, "", "missing " + name);
        return archive_ ? archive_->read(*archive_->findByFileName(name)) : io::readFileBytes(root_ / name, kMaxMemberBytes);
    }
    std::vector<std::string> names(const std::string& name) const {
        return has(name) ? readNameList(bytesToText(read(name))) : std::vector<std::string>{};
    }

private:
    static std::string bytesToText(const std::vector<std::uint8_t>& bytes) { return {bytes.begin(), bytes.end()}; }
    fs::path root_;
    std::optional<io::TarArchive> archive_;
};

// A record is `labelBytes` label bytes then the image; `labelIndex` picks which label byte is the class.
struct RecordLayout {
    std::int64_t labelBytes;
    std::int64_t labelIndex;
    std::int64_t classCount;
    std::int64_t size() const { return labelBytes + kImageBytes; }
};

void appendRecords(LoadedSamples& out, const CifarFiles& files, const std::string& name, const RecordLayout& layout) {
    const auto bytes = files.read(name);
    const auto total = static_cast<std::int64_t>(bytes.size());
    if (total == 0) throw DataError(files.where(name), "", "holds no records");
    if (total % layout.size() != 0) {
        throw DataError(files.where(name), "", "size " + std::to_string(total) + " is not a whole number of " +
                                                   std::to_string(layout.size()) + "-byte records");
    }
    const std::int64_t records = total / layout.size();
    out.pixels.reserve(out.pixels.size() + static_cast<std::size_t>(records * kImageBytes));
    for (std::int64_t r = 0; r < records; ++r) {
        const auto* record = bytes.data() + r * layout.size();
        const std::int64_t label = record[layout.labelIndex];
        if (label >= layout.classCount) {
            throw DataError(files.where(name), "record " + std::to_string(r) + " (offset " +
                                                   std::to_string(r * layout.size()) + ")",
                            "label " + std::to_string(label) + " is outside 0.." + std::to_string(layout.classCount - 1));
        }
        out.labels.push_back(label);
        out.pixels.insert(out.pixels.end(), record + layout.labelBytes, record + layout.size());
    }
}

LoadedSamples emptyImageSamples() {
    LoadedSamples out;
    out.kind = SampleKind::Image;
    out.sampleShape = {3, 32, 32};
    return out;
}

class Cifar10Format final : public DatasetFormat {
public:
    std::string id() const override { return "cifar10"; }
    std::string description() const override {
        return "CIFAR-10 binary version: data_batch_1..5.bin + test_batch.bin, folder or .tar.gz";
    }
    bool detect(const fs::path& path) const override {
        if (isTarball(path)) {
            const auto name = lowerFileName(path);
            return name.find("cifar-100") == std::string::npos && name.find("cifar-10") != std::string::npos;
        }
        return fs::is_regular_file(path / "data_batch_1.bin") ||
               fs::is_regular_file(path / "cifar-10-batches-bin" / "data_batch_1.bin");
    }
    std::string datasetName(const fs::path&) const override { return "cifar10"; }
    LoadedSamples load(const LoadOptions& options, ProgressObserver* observer) const override {
        const CifarFiles files(options.path, "cifar-10-batches-bin",
                               {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin",
                                "batches.meta.txt"});
        const RecordLayout layout{1, 0, 10};
        LoadedSamples out = emptyImageSamples();
        for (int batch = 1; batch <= 5; ++batch) {
            reportProgress(observer, {"reading CIFAR-10", batch - 1, 6, ""});
            appendRecords(out, files, "data_batch_" + std::to_string(batch) + ".bin", layout);
        }
        out.officialTestBegin = static_cast<std::int64_t>(out.labels.size());
        reportProgress(observer, {"reading CIFAR-10", 5, 6, ""});
        appendRecords(out, files, "test_batch.bin", layout);
        out.classNames = files.names("batches.meta.txt");
        if (out.classNames.size() != 10) out.classNames = cifar10ClassNames();
        return out;
    }
};

class Cifar100Format final : public DatasetFormat {
public:
    std::string id() const override { return "cifar100"; }
    std::string description() const override {
        return "CIFAR-100 binary version: train.bin + test.bin (fine or coarse labels), folder or .tar.gz";
    }
    bool detect(const fs::path& path) const override {
        if (isTarball(path)) return lowerFileName(path).find("cifar-100") != std::string::npos;
        return (fs::is_regular_file(path / "train.bin") && fs::is_regular_file(path / "test.bin")) ||
               fs::is_regular_file(path / "cifar-100-binary" / "train.bin");
    }
    std::string datasetName(const fs::path&) const override { return "cifar100"; }
    LoadedSamples load(const LoadOptions& options, ProgressObserver* observer) const override {
        const bool coarse = options.cifar100Labels == "coarse";
        const CifarFiles files(options.path, "cifar-100-binary", {"train.bin", "test.bin", "coarse_label_names.txt", "fine_label_names.txt"});
        const RecordLayout layout{2, coarse ? 0 : 1, coarse ? 20 : 100};
        LoadedSamples out = emptyImageSamples();
        reportProgress(observer, {"reading CIFAR-100", 0, 2, ""});
        appendRecords(out, files, "train.bin", layout);
        out.officialTestBegin = static_cast<std::int64_t>(out.labels.size());
        reportProgress(observer, {"reading CIFAR-100", 1, 2, ""});
        appendRecords(out, files, "test.bin", layout);
        out.classNames = files.names(coarse ? "coarse_label_names.txt" : "fine_label_names.txt");
        if (static_cast<std::int64_t>(out.classNames.size()) != layout.classCount) {
            out.classNames = numberedClassNames(layout.classCount);
        }
        return out;
    }
};

}  // namespace

std::unique_ptr<DatasetFormat> makeCifar10Format() { return std::make_unique<Cifar10Format>(); }
std::unique_ptr<DatasetFormat> makeCifar100Format() { return std::make_unique<Cifar100Format>(); }

}  // namespace tinyforge::core::data
