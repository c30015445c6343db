// The `folder` format: one sub-folder per class, images in any format OpenCV reads, resized to a chosen size.
// Iris-recognition sets (CASIA-IrisV4, UBIRIS) and users' own photos arrive this way; images may sit in nested
// folders below their class folder.

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstring>
#include <exception>
#include <mutex>
#include <thread>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/data/builtin_formats.h"
#include "core/data/image_header.h"
#include "core/error.h"
#include "core/io/file_bytes.h"

namespace tinyforge::core::data {

namespace {

namespace fs = std::filesystem;

bool hasImageExtension(const fs::path& path) {
    static const std::array<std::string, 12> extensions{".png", ".jpg", ".jpeg", ".bmp", ".pgm", ".ppm",
                                                        ".pbm", ".pnm", ".tif", ".tiff", ".webp", ".jp2"};
    std::string ext = path.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
    return std::find(extensions.begin(), extensions.end(), ext) != extensions.end();
}

bool isHidden(const fs::path& path) { return path.filename().string().starts_with("."); }

std::vector<fs::path> classFolders(const fs::path& root) {
    std::vector<fs::path> folders;
    for (const auto& entry : fs::directory_iterator(root)) {
        if (entry.is_directory() && !isHidden(entry.path())) folders.push_back(entry.path());
    }
    std::sort(folders.begin(), folders.end());
    return folders;
}

std::vector<fs::path> imagesBelow(const fs::path& folder) {
    std::vector<fs::path> images;
    for (const auto& entry : fs::recursive_directory_iterator(folder, fs::directory_options::skip_permission_denied)) {
        if (entry.is_regular_file() && hasImageExtension(entry.path()) && !isHidden(entry.path())) {
            images.push_back(entry.path());
        }
    }
    std::sort(images.begin(), images.end());
    return images;
}

// The largest image file read (a 48-megapixel PNG is about 100 MB).
constexpr std::uint64_t kMaxImageFileBytes = 256ull << 20;

// Reads the file once, checks the pixel size its header declares, and only then lets OpenCV decode the bytes.
cv::Mat readImage(const fs::path& path, int flags) {
    std::vector<std::uint8_t> bytes = io::readRawFileBytes(path, kMaxImageFileBytes);
    readImageHeader(bytes, path);
    cv::Mat image;
    try {
        const cv::Mat buffer(1, static_cast<int>(bytes.size()), CV_8UC1, bytes.data());
        image = cv::imdecode(buffer, flags);
    } catch (const cv::Exception& e) {
        throw DataError(path, "", std::string("cannot decode image: ") + e.what());
    }
    if (image.empty()) throw DataError(path, "", "cannot be decoded as an image (corrupt, truncated or an unsupported variant)");
    return image;
}

// Decodes, resizes and stores one image as C, H, W planes in `destination`.
void decodeInto(const fs::path& path, const LoadOptions& options, int channels, std::uint8_t* destination) {
    const cv::Mat decoded = readImage(path, channels == 1 ? cv::IMREAD_GRAYSCALE : cv::IMREAD_COLOR);
    cv::Mat resized;
    cv::resize(decoded, resized, cv::Size(options.imageWidth, options.imageHeight), 0, 0, cv::INTER_AREA);
    if (channels == 3) cv::cvtColor(resized, resized, cv::COLOR_BGR2RGB);
    const std::size_t plane = static_cast<std::size_t>(options.imageWidth) * options.imageHeight;
    std::vector<cv::Mat> planes;
    cv::split(resized, planes);
    for (int c = 0; c < channels; ++c) {
        const cv::Mat continuous = planes[c].isContinuous() ? planes[c] : planes[c].clone();
        std::memcpy(destination + c * plane, continuous.data, plane);
    }
}

// Decodes every image on worker threads; the calling thread reports progress and relays cancel requests.
void decodeAll(const std::vector<fs::path>& files, const LoadOptions& options, int channels,
               std::vector<std::uint8_t>& pixels, ProgressObserver* observer) {
    const std::size_t sampleBytes = static_cast<std::size_t>(channels) * options.imageWidth * options.imageHeight;
    std::atomic<std::size_t> next{0}, done{0};
    std::atomic<bool> stop{false};
    std::exception_ptr failure;
    std::mutex failureMutex;
    auto worker = [&] {
        for (std::size_t i = next++; i < files.size() && !stop; i = next++) {
            try {
                decodeInto(files[i], options, channels, pixels.data() + i * sampleBytes);
            } catch (...) {
                const std::lock_guard lock(failureMutex);
                if (!failure) failure = std::current_exception();
                stop = true;
            }
            ++done;
        }
    };
    const unsigned threadCount = std::clamp(std::thread::hardware_concurrency(), 1u, 8u);
    std::vector<std::jthread> workers;
    for (unsigned t = 0; t < threadCount; ++t) workers.emplace_back(worker);
    try {
        while (done < files.size() && !stop) {
            reportProgress(observer, {"decoding images", static_cast<std::int64_t>(done.load()),
                                      static_cast<std::int64_t>(files.size()), ""});
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    } catch (...) {
        stop = true;  // cancelled: the jthreads join on the way out
        throw;
    }
    workers.clear();
    if (failure) std::rethrow_exception(failure);
    reportProgress(observer, {"decoding images", static_cast<std::int64_t>(files.size()),
                              static_cast<std::int64_t>(files.size()), ""});
}

class FolderFormat final : public DatasetFormat {
public:
    std::string id() const override { return "folder"; }
    std::string description() const override {
        return "one sub-folder of images per class (PNG, JPEG, BMP, PGM, ...), e.g. CASIA-IrisV4, UBIRIS";
    }
    bool detect(const fs::path& path) const override {
        if (!fs::is_directory(path)) return false;
        for (const auto& folder : classFolders(path)) {
            for (const auto& entry : fs::directory_iterator(folder)) {
                if (entry.is_regular_file() && hasImageExtension(entry.path())) return true;
            }
        }
        return false;
    }
    LoadedSamples load(const LoadOptions& options, ProgressObserver* observer) const override;
};

LoadedSamples FolderFormat::load(const LoadOptions& options, ProgressObserver* observer) const {
    const fs::path& root = options.path;
    if (!fs::is_directory(root)) throw DataError(root, "", "not a folder (expected one sub-folder per class)");
    LoadedSamples out;
    out.kind = SampleKind::Image;
    std::vector<fs::path> files;
    for (const auto& folder : classFolders(root)) {
        const auto images = imagesBelow(folder);
        if (images.empty()) throw DataError(folder, "", "class folder holds no images (PNG, JPEG, BMP, PGM, ...)");
        out.classNames.push_back(folder.filename().string());
        files.insert(files.end(), images.begin(), images.end());
        out.labels.insert(out.labels.end(), images.size(), static_cast<std::int64_t>(out.classNames.size() - 1));
        throwIfStopRequested(observer);
    }
    if (out.classNames.empty()) throw DataError(root, "", "has no class sub-folders (expected one per class)");
    if (out.classNames.size() < 2) {
        throw DataError(root, "", "has a single class folder ('" + out.classNames.front() +
                                      "'); a classifier needs two or more");
    }
    const int channels = options.imageChannels != 0 ? options.imageChannels
                                                    : (readImage(files.front(), cv::IMREAD_UNCHANGED).channels() == 1 ? 1 : 3);
    out.sampleShape = {channels, options.imageHeight, options.imageWidth};
    out.pixels.resize(files.size() * static_cast<std::size_t>(channels) * options.imageWidth * options.imageHeight);
    decodeAll(files, options, channels, out.pixels, observer);
    return out;
}

}  // namespace

std::unique_ptr<DatasetFormat> makeFolderFormat() { return std::make_unique<FolderFormat>(); }

}  // namespace tinyforge::core::data
