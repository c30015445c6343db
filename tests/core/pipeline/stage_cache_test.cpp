// The stage cache: keys that change with what a stage depends on, entries stored whole or not at all, found again
// with everything a run needs, evicted least recently used first, and a per-key lock that makes a second run wait.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <thread>

#include "core/error.h"
#include "core/pipeline/stage_cache.h"
#include "tests/support/fixtures.h"

using namespace tinyforge::core::pipeline;
namespace fs = std::filesystem;
namespace test = tinyforge::test;

namespace {

CachedStage sampleStage() {
    CachedStage s;
    s.stage = "teacher";
    s.result.arch = "mlp";
    s.result.params = 1234;
    s.result.bytes_fp32 = 4936;
    s.result.test_accuracy = 0.9;
    s.result.train_seconds = 12.5;
    tinyforge::core::train::EpochMetrics m;
    m.model = "teacher";
    m.epoch = 3;
    m.loss = 0.25;
    m.valAccuracy = 0.875;
    s.history = {m};
    s.testPredicted = {0, 2, 1};
    s.material = {{"stage", "teacher"}};
    return s;
}

// A stop request after a few polls: the lock waits (polling) rather than failing or going ahead.
struct StopAfterPolls : tinyforge::ProgressObserver {
    mutable int polls = 0;
    bool stopRequested() const override { return ++polls > 3; }
};

}  // namespace

TEST_CASE("A stage key changes with its material and nothing else", "[core][pipeline][stage_cache]") {
    const nlohmann::json material{{"stage", "teacher"}, {"seed", 42}, {"train", {{"epochs", 15}, {"lr", 0.002}}}};
    const auto key = stageKey(material);
    CHECK(key.size() == 64);
    CHECK(stageKey(material) == key);
    // Object keys in another order are the same material.
    CHECK(stageKey(nlohmann::json::parse(R"({"train": {"lr": 0.002, "epochs": 15}, "seed": 42, "stage": "teacher"})")) == key);
    auto other = material;
    other["seed"] = 43;
    CHECK(stageKey(other) != key);
    other = material;
    other["train"]["epochs"] = 16;
    CHECK(stageKey(other) != key);
}

TEST_CASE("A file fingerprint changes when a data file is replaced, added or resized", "[core][pipeline][stage_cache]") {
    test::TempDir dir;
    test::writeText(dir / "a.csv", "x,y\n1,2\n");
    fs::create_directories(dir / "sub");
    test::writeText(dir / "sub" / "b.png", "12345");
    const auto before = fileFingerprint(dir.path());
    REQUIRE(before.at("files").size() == 2);
    CHECK(before.at("files")[0][0] == "a.csv");
    CHECK(before.at("files")[1][0] == "sub/b.png");
    CHECK(before.at("files")[1][1] == 5);
    CHECK(fileFingerprint(dir.path()) == before);
    test::writeText(dir / "sub" / "b.png", "123456");
    CHECK(fileFingerprint(dir.path()) != before);
    const auto resized = fileFingerprint(dir.path());
    test::writeText(dir / "c.csv", "");
    CHECK(fileFingerprint(dir.path()) != resized);
    CHECK(fileFingerprint(dir / "a.csv").at("files").size() == 1);
}

TEST_CASE("A stored stage is found again with its result, history and predictions", "[core][pipeline][stage_cache]") {
    test::TempDir dir;
    const StageCache cache({dir / "cache", 1ull << 30});
    const auto key = stageKey({{"x", 1}});
    CHECK_FALSE(cache.find(key));
    test::writeText(dir / "model.pt", "weights");
    REQUIRE(cache.store(key, sampleStage(), dir / "model.pt"));
    const auto found = cache.find(key);
    REQUIRE(found);
    CHECK(found->stage == "teacher");
    CHECK(found->result.params == 1234);
    CHECK(found->result.test_accuracy == 0.9);
    CHECK(found->result.train_seconds == 12.5);
    REQUIRE(found->history.size() == 1);
    CHECK(found->history[0].epoch == 3);
    CHECK(found->history[0].valAccuracy == 0.875);
    CHECK(found->testPredicted == std::vector<std::int64_t>{0, 2, 1});
    CHECK(test::readText(cache.modelFile(key)) == "weights");
    const auto listed = cache.list();
    REQUIRE(listed.size() == 1);
    CHECK(listed[0].key == key);
    CHECK(listed[0].arch == "mlp");
    CHECK(listed[0].trainSeconds == 12.5);
    // A damaged entry is a miss (the stage is trained again and replaces it), never an error.
    test::writeText(dir / "cache" / key / "entry.json", "{\"stage\": ");
    CHECK_FALSE(cache.find(key));
    CHECK(cache.clear() > 0);
    CHECK(cache.list().empty());
}

TEST_CASE("The stage cache evicts the least recently used entries beyond its limit", "[core][pipeline][stage_cache]") {
    test::TempDir dir;
    test::writeText(dir / "model.pt", std::string(4000, 'w'));
    StageCache roomy({dir / "cache", 1ull << 30});
    const auto first = stageKey({{"n", 1}}), second = stageKey({{"n", 2}}), third = stageKey({{"n", 3}});
    for (const auto& key : {first, second, third}) {
        REQUIRE(roomy.store(key, sampleStage(), dir / "model.pt"));
        std::this_thread::sleep_for(std::chrono::milliseconds(20));  // distinct modification times
    }
    REQUIRE(roomy.find(first));  // now the most recently used
    const auto entryBytes = roomy.list().front().bytes;
    const StageCache tight({dir / "cache", 2 * entryBytes});
    CHECK(tight.evictToLimit() == entryBytes);
    CHECK(tight.find(first));
    CHECK(tight.find(third));
    CHECK_FALSE(tight.find(second));
}

TEST_CASE("A stage's lock makes a second run wait, and a waiting run can still be cancelled", "[core][pipeline][stage_cache]") {
    test::TempDir dir;
    const StageCache cache({dir / "cache", 1ull << 30});
    const auto key = stageKey({{"n", 1}});
    {
        const auto held = cache.lock(key);
        // Another open file description of the same lock file, as another process has: it cannot take the lock.
        const int other = open((dir / "cache" / (key + ".lock")).c_str(), O_RDWR);
        REQUIRE(other >= 0);
        CHECK(flock(other, LOCK_EX | LOCK_NB) != 0);
        close(other);
        StopAfterPolls stop;
        CHECK_THROWS_AS(cache.lock(key, &stop), tinyforge::Cancelled);
        CHECK(stop.polls > 3);
    }
    const int other = open((dir / "cache" / (key + ".lock")).c_str(), O_RDWR);
    CHECK(flock(other, LOCK_EX | LOCK_NB) == 0);  // released with the holder
    close(other);
}

TEST_CASE("The user's stage cache follows TINYFORGE_CACHE, TINYFORGE_CACHE_DIR and TINYFORGE_CACHE_LIMIT_MB", "[core][pipeline][stage_cache]") {
    setenv("TINYFORGE_CACHE", "off", 1);
    CHECK_FALSE(userStageCache());
    unsetenv("TINYFORGE_CACHE");
    setenv("TINYFORGE_CACHE_DIR", "/tmp/tf-cache-test", 1);
    setenv("TINYFORGE_CACHE_LIMIT_MB", "10", 1);
    const auto settings = userStageCache();
    REQUIRE(settings);
    CHECK(settings->dir == "/tmp/tf-cache-test");
    CHECK(settings->limitBytes == 10ull * 1024 * 1024);
    setenv("TINYFORGE_CACHE_LIMIT_MB", "lots", 1);
    CHECK_THROWS_AS(userStageCache(), tinyforge::SettingsError);
    unsetenv("TINYFORGE_CACHE_LIMIT_MB");
    unsetenv("TINYFORGE_CACHE_DIR");
}
