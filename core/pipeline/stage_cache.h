#pragma once
// The stage cache: trained teachers and students kept between runs, so that work is never done twice. A stage is
// stored under the SHA-256 of everything it depends on (the recipe sections it reads, the dataset files' names,
// sizes and times, the seed, the studio's version and training revision); a run whose stage has the same key loads
// it instead of training it. Runs in parallel (a sweep's points) wait for each other on a per-key lock rather than
// train the same stage twice. The folder is kept under a size limit, least recently used entries evicted first.
// Layout: DIR/<key>/{model.pt, entry.json}, DIR/<key>.lock. Plain C++ (no LibTorch): the pipeline moves the model.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/progress.h"
#include "core/results/run_summary.h"
#include "core/train/train_events.h"

namespace tinyforge::core::pipeline {

/// Bumped whenever a change to training, models or data loading alters what a stage produces, so older entries
/// stop matching. The studio's version is part of every key as well.
inline constexpr int kTrainingRevision = 1;

struct StageCacheSettings {
    std::filesystem::path dir;
    std::uint64_t limitBytes = 4ull << 30;  ///< evict least recently used entries beyond this
};

/// The user's stage cache: TINYFORGE_CACHE_DIR, else $XDG_CACHE_HOME/tinyforge/stages, else
/// ~/.cache/tinyforge/stages; none when TINYFORGE_CACHE is "off" (or no home is known). The limit comes from
/// TINYFORGE_CACHE_LIMIT_MB (default 4096). Throws SettingsError for a limit that is not a positive number.
std::optional<StageCacheSettings> userStageCache();

/// What a cached stage holds besides its weights.
struct CachedStage {
    std::string stage;  ///< "teacher", "student_scratch", "student"
    results::ModelResult result;
    std::vector<train::EpochMetrics> history;
    std::vector<std::int64_t> testPredicted;  ///< the class predicted for each test sample
    std::vector<std::vector<float>> testScores;  ///< identity datasets: each test sample's class probabilities
    nlohmann::json material;                  ///< what the key was computed from, for `cache ls` and for people
};

/// One entry as listed.
struct StageCacheEntry {
    std::string key, stage, arch;
    std::uint64_t bytes = 0;
    std::filesystem::file_time_type lastUsed;
    double trainSeconds = 0;  ///< what reusing it saves
};

/// The key of `material`: SHA-256 of its compact JSON together with the studio's version and kTrainingRevision.
std::string stageKey(const nlohmann::json& material);

/// The dataset at `path` (a file or a folder) as a fingerprint: each file's relative name, size and modification
/// time, in name order. Cheap (no file is read), and changes when any file is replaced.
nlohmann::json fileFingerprint(const std::filesystem::path& path);

class StageCache {
public:
    explicit StageCache(StageCacheSettings settings);

    /// Holds a key's lock for as long as it lives (flock on DIR/<key>.lock; released by the OS if the process dies).
    class Lock {
    public:
        Lock() = default;
        explicit Lock(int fd) : fd_(fd) {}
        Lock(Lock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
        Lock& operator=(Lock&& other) noexcept;
        Lock(const Lock&) = delete;
        Lock& operator=(const Lock&) = delete;
        ~Lock();

    private:
        int fd_ = -1;
    };
    /// Waits until no other run holds `key` (polling `observer` so that Cancel still works), then holds it.
    /// Throws Error when the lock file cannot be made, Cancelled when asked to stop.
    Lock lock(const std::string& key, const ProgressObserver* observer = nullptr) const;

    /// The entry for `key`, or none. Marks it used. An entry that cannot be read is treated as missing.
    std::optional<CachedStage> find(const std::string& key) const;
    /// The weights file of `key`'s entry (valid after find() returned it).
    std::filesystem::path modelFile(const std::string& key) const { return settings_.dir / key / "model.pt"; }

    /// Stores `stage` and a copy of `modelFile` under `key` (atomically: a complete entry or none), then evicts
    /// least recently used entries beyond the limit. Never throws: a cache that cannot be written only costs time.
    /// Returns false when it could not store.
    bool store(const std::string& key, const CachedStage& stage, const std::filesystem::path& modelFile) const;

    std::vector<StageCacheEntry> list() const;
    /// Removes every entry; returns the bytes freed.
    std::uint64_t clear() const;
    /// Removes least recently used entries until the total is within the limit; returns the bytes freed.
    std::uint64_t evictToLimit() const;

    const StageCacheSettings& settings() const { return settings_; }

private:
    std::vector<StageCacheEntry> entries(bool details) const;
    StageCacheSettings settings_;
};

}  // namespace tinyforge::core::pipeline
