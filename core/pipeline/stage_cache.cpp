#include "core/pipeline/stage_cache.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/error.h"
#include "core/io/file_bytes.h"
#include "core/io/sha256.h"

#ifndef TINYFORGE_VERSION
#define TINYFORGE_VERSION "unknown"
#endif

namespace tinyforge::core::pipeline {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kEntryFile = "entry.json";
constexpr const char* kModelFile = "model.pt";

json epochToJson(const train::EpochMetrics& m) {
    return {{"model", m.model}, {"epoch", m.epoch}, {"loss", m.loss}, {"soft_loss", m.softLoss}, {"hard_loss", m.hardLoss},
            {"train_accuracy", m.trainAccuracy}, {"val_accuracy", m.valAccuracy}, {"lr", m.learningRate},
            {"samples_per_second", m.samplesPerSecond}, {"seconds", m.seconds}, {"sparsity", m.sparsity}, {"deployed_bytes", m.deployedBytes}};
}

train::EpochMetrics epochFromJson(const json& j) {
    train::EpochMetrics m;
    m.model = j.at("model").get<std::string>();
    m.epoch = j.at("epoch").get<int>();
    m.loss = j.at("loss").get<double>();
    m.softLoss = j.at("soft_loss").get<double>();
    m.hardLoss = j.at("hard_loss").get<double>();
    m.trainAccuracy = j.at("train_accuracy").get<double>();
    m.valAccuracy = j.at("val_accuracy").get<double>();
    m.learningRate = j.at("lr").get<double>();
    m.samplesPerSecond = j.at("samples_per_second").get<double>();
    m.seconds = j.at("seconds").get<double>();
    m.sparsity = j.at("sparsity").get<double>();
    m.deployedBytes = j.at("deployed_bytes").get<std::int64_t>();
    return m;
}

std::uint64_t folderBytes(const fs::path& dir) {
    std::uint64_t total = 0;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->is_regular_file(ec)) total += it->file_size(ec);
    }
    return total;
}

bool isKey(const std::string& name) {
    return name.size() == 64 && name.find_first_not_of("0123456789abcdef") == std::string::npos;
}

std::optional<json> readEntryJson(const fs::path& dir) {
    try {
        return json::parse(io::readTextFile(dir / kEntryFile));
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

}  // namespace

std::optional<StageCacheSettings> userStageCache() {
    const auto env = [](const char* name) -> std::string {
        const char* value = std::getenv(name);
        return value ? value : "";
    };
    if (env("TINYFORGE_CACHE") == "off") return std::nullopt;
    StageCacheSettings settings;
    if (!env("TINYFORGE_CACHE_DIR").empty()) settings.dir = env("TINYFORGE_CACHE_DIR");
    else if (!env("XDG_CACHE_HOME").empty()) settings.dir = fs::path(env("XDG_CACHE_HOME")) / "tinyforge" / "stages";
    else if (!env("HOME").empty()) settings.dir = fs::path(env("HOME")) / ".cache" / "tinyforge" / "stages";
    else return std::nullopt;
    if (const auto limit = env("TINYFORGE_CACHE_LIMIT_MB"); !limit.empty()) {
        char* end = nullptr;
        const double mb = std::strtod(limit.c_str(), &end);
        if (end == limit.c_str() || *end != '\0' || !(mb > 0)) {
            throw SettingsError("TINYFORGE_CACHE_LIMIT_MB: '" + limit + "' is not a positive number of megabytes");
        }
        settings.limitBytes = static_cast<std::uint64_t>(mb * 1024 * 1024);
    }
    return settings;
}

std::string stageKey(const json& material) {
    io::Sha256 hash;
    hash.add(std::string("tinyforge-stage ") + TINYFORGE_VERSION + " revision " + std::to_string(kTrainingRevision) + "\n");
    hash.add(material.dump());  // nlohmann::json keeps object keys sorted: the same material gives the same text
    return hash.hexDigest();
}

json fileFingerprint(const fs::path& path) {
    json files = json::array();
    std::error_code ec;
    const auto describe = [&](const fs::path& file, const std::string& name) {
        const auto size = fs::file_size(file, ec);
        const auto time = fs::last_write_time(file, ec);
        if (ec) return;
        files.push_back({name, size, static_cast<long long>(time.time_since_epoch().count())});
    };
    if (fs::is_regular_file(path, ec)) {
        describe(path, path.filename().string());
    } else if (fs::is_directory(path, ec)) {
        std::vector<std::pair<std::string, fs::path>> found;
        for (fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec), end; !ec && it != end; it.increment(ec)) {
            if (it->is_regular_file(ec)) found.emplace_back(fs::relative(it->path(), path, ec).generic_string(), it->path());
        }
        std::sort(found.begin(), found.end());
        for (const auto& [name, file] : found) describe(file, name);
    }
    return {{"path", fs::absolute(path, ec).lexically_normal().string()}, {"files", files}};
}

StageCache::StageCache(StageCacheSettings settings) : settings_(std::move(settings)) {}

StageCache::Lock& StageCache::Lock::operator=(Lock&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) close(fd_);
        fd_ = other.fd_;
        other.fd_ = -1;
    }
    return *this;
}

StageCache::Lock::~Lock() {
    if (fd_ >= 0) close(fd_);  // closing the descriptor releases the flock
}

StageCache::Lock StageCache::lock(const std::string& key, const ProgressObserver* observer) const {
    std::error_code ec;
    fs::create_directories(settings_.dir, ec);
    const auto file = settings_.dir / (key + ".lock");
    const int fd = open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) throw Error("stage cache: cannot open " + file.string() + ": " + std::strerror(errno));
    Lock held(fd);
    // Polled rather than blocking, so a run waiting for another's teacher can still be cancelled.
    while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno != EWOULDBLOCK && errno != EINTR) throw Error("stage cache: cannot lock " + file.string() + ": " + std::strerror(errno));
        throwIfStopRequested(observer);
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return held;
}

std::optional<CachedStage> StageCache::find(const std::string& key) const {
    const auto dir = settings_.dir / key;
    std::error_code ec;
    if (!fs::is_regular_file(dir / kModelFile, ec)) return std::nullopt;
    const auto entry = readEntryJson(dir);
    if (!entry) return std::nullopt;
    try {
        CachedStage out;
        out.stage = entry->at("stage").get<std::string>();
        contract::fromJson(entry->at("result"), out.result, "result");
        for (const auto& row : entry->at("history")) out.history.push_back(epochFromJson(row));
        out.testPredicted = entry->at("test_predicted").get<std::vector<std::int64_t>>();
        if (entry->contains("test_scores")) out.testScores = entry->at("test_scores").get<std::vector<std::vector<float>>>();
        out.material = entry->value("material", json::object());
        fs::last_write_time(dir / kEntryFile, fs::file_time_type::clock::now(), ec);  // the LRU clock
        return out;
    } catch (const std::exception&) {
        return std::nullopt;  // an entry from an incompatible build, or damaged: trained again and replaced
    }
}

bool StageCache::store(const std::string& key, const CachedStage& stage, const fs::path& modelFile) const {
    std::error_code ec;
    const auto tmp = settings_.dir / (".tmp-" + key + "-" + std::to_string(getpid()));
    fs::remove_all(tmp, ec);
    try {
        fs::create_directories(tmp);
        fs::copy_file(modelFile, tmp / kModelFile, fs::copy_options::overwrite_existing);
        json history = json::array();
        for (const auto& m : stage.history) history.push_back(epochToJson(m));
        json entry{{"stage", stage.stage}, {"result", contract::toJson(stage.result)}, {"history", history},
                   {"test_predicted", stage.testPredicted}, {"material", stage.material}};
        if (!stage.testScores.empty()) entry["test_scores"] = stage.testScores;
        const std::string text = entry.dump() + "\n";
        io::writeFileAtomically(tmp / kEntryFile, text.data(), text.size());
        const auto target = settings_.dir / key;
        fs::remove_all(target, ec);
        fs::rename(tmp, target);
    } catch (const std::exception&) {
        fs::remove_all(tmp, ec);
        return false;
    }
    evictToLimit();
    return true;
}

std::vector<StageCacheEntry> StageCache::list() const { return entries(true); }

// Every entry with its size and last use, most recently used first; `details` also reads each entry.json for its
// stage, architecture and training time (eviction, after every store, needs only sizes and times).
std::vector<StageCacheEntry> StageCache::entries(bool details) const {
    std::vector<StageCacheEntry> out;
    std::error_code ec;
    for (fs::directory_iterator it(settings_.dir, ec), end; !ec && it != end; it.increment(ec)) {
        const auto name = it->path().filename().string();
        if (!it->is_directory(ec) || !isKey(name)) continue;
        StageCacheEntry e;
        e.key = name;
        e.bytes = folderBytes(it->path());
        e.lastUsed = fs::last_write_time(it->path() / kEntryFile, ec);
        if (const auto entry = details ? readEntryJson(it->path()) : std::nullopt) {
            e.stage = entry->value("stage", "");
            if (entry->contains("result") && entry->at("result").is_object()) {
                e.arch = entry->at("result").value("arch", "");
                const auto seconds = entry->at("result").find("train_seconds");
                if (seconds != entry->at("result").end() && seconds->is_number()) e.trainSeconds = seconds->get<double>();
            }
        }
        out.push_back(e);
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.lastUsed > b.lastUsed; });
    return out;
}

std::uint64_t StageCache::clear() const {
    std::uint64_t freed = 0;
    std::error_code ec;
    for (const auto& e : entries(false)) {
        freed += e.bytes;
        fs::remove_all(settings_.dir / e.key, ec);
        fs::remove(settings_.dir / (e.key + ".lock"), ec);
    }
    return freed;
}

std::uint64_t StageCache::evictToLimit() const {
    std::uint64_t total = 0, freed = 0;
    std::error_code ec;
    for (const auto& e : entries(false)) {  // most recently used first
        total += e.bytes;
        if (total <= settings_.limitBytes) continue;
        fs::remove_all(settings_.dir / e.key, ec);
        freed += e.bytes;
    }
    return freed;
}

}  // namespace tinyforge::core::pipeline
