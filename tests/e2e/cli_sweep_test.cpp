// tinyforge-cli sweep and the stage cache, for real: the bundled Iris sweep profiled on the emulated STM32F405, a
// recipe re-run that takes its teacher and students from the cache with the same figures, and a sweep through a
// real one-machine Slurm cluster with a failing point that --resume finishes.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "tests/support/fixtures.h"
#include "tests/support/process.h"
#include "tests/support/test_slurm.h"

namespace fx = tinyforge::test;
namespace fs = std::filesystem;
using fx::cli;
using Catch::Matchers::Contains;
using nlohmann::json;

namespace {

const std::string kIrisRecipe = TINYFORGE_RESOURCE_DIR "/recipes/iris-distill.json";
const std::string kIrisData = TINYFORGE_RESOURCE_DIR "/data/iris.csv";

json readJson(const fs::path& file) { return json::parse(fx::readText(file)); }

std::string failure(const fx::ProcessResult& r) { return "exit " + std::to_string(r.exitCode) + "\nstdout:\n" + r.out + "\nstderr:\n" + r.err; }

// Every point a dominated_by names is at least as accurate and at most as large, and better on one.
void checkFront(const json& table) {
    std::map<std::string, json> byId;
    for (const auto& p : table.at("points")) byId[p.at("id")] = p;
    int onFront = 0;
    for (const auto& p : table.at("points")) {
        if (!p.contains("dominated_by")) {
            onFront += p.at("status") == "done";
            continue;
        }
        const auto& d = byId.at(p.at("dominated_by").get<std::string>());
        CHECK(d.at("deployed_accuracy").get<double>() >= p.at("deployed_accuracy").get<double>());
        CHECK(d.at("deployed_bytes").get<std::int64_t>() <= p.at("deployed_bytes").get<std::int64_t>());
        CHECK((d.at("deployed_accuracy") > p.at("deployed_accuracy") || d.at("deployed_bytes") < p.at("deployed_bytes")));
    }
    CHECK(onFront >= 1);
}

}  // namespace

TEST_CASE("The bundled Iris sweep runs every point, profiles each on the emulated F405 and trains the teacher once",
          "[e2e][sweep][qemu]") {
    fx::TempDir dir;
    const auto out = dir / "sweep";
    const auto r = cli({"sweep", TINYFORGE_RESOURCE_DIR "/sweeps/iris-sweep.json", "--out", out.string(), "--cache", (dir / "cache").string()});
    INFO(failure(r));
    REQUIRE(r.exitCode == 0);
    const auto table = readJson(out / "table.json");
    CHECK(table.at("axes") == json({"prune.final_sparsity", "quantize.weight_bits"}));
    REQUIRE(table.at("points").size() == 4);
    int reused = 0;
    std::set<double> teacherAccuracies;
    for (const auto& p : table.at("points")) {
        INFO(p.dump());
        CHECK(p.at("status") == "done");
        CHECK(p.at("deployed_bytes").get<std::int64_t>() > 0);
        teacherAccuracies.insert(p.at("teacher_accuracy").get<double>());
        reused += p.contains("reused_seconds");
        REQUIRE(p.at("devices").size() == 1);
        const auto& d = p.at("devices")[0];
        CHECK(d.at("board") == "stm32f405");
        CHECK(d.at("measured_on") == "emulator");
        CHECK(d.at("count_unit") == "instructions");
        CHECK(d.at("latency_count").get<std::int64_t>() > 0);
        CHECK(d.at("samples") == 16);
        CHECK(d.at("identical") == 16);
        // Each point is an ordinary run folder with the point's settings in its recipe.
        const auto recipe = readJson(out / "points" / p.at("id").get<std::string>() / "recipe.json");
        CHECK(recipe.at("prune").at("final_sparsity") == p.at("values")[0]);
        CHECK(recipe.at("quantize").at("weight_bits") == p.at("values")[1]);
    }
    CHECK(teacherAccuracies.size() == 1);  // one teacher, trained by one point and reused by the three others
    CHECK(reused == 3);
    checkFront(table);
    const auto csv = fx::readText(out / "table.csv");
    CHECK_THAT(csv, Contains("id,prune.final_sparsity,quantize.weight_bits,status,") && Contains("stm32f405_latency,stm32f405_latency_unit"));
    CHECK(std::count(csv.begin(), csv.end(), '\n') == 5);
    CHECK_THAT(fx::readText(out / "report.html"), Contains("p003 prune.final_sparsity=0.8, quantize.weight_bits=8"));
    CHECK_THAT(r.out, Contains("Pareto front"));

    // A board that does not exist is refused before anything runs, naming the known ones.
    const json badBoard{{"name", "b"}, {"recipe", kIrisRecipe}, {"axes", {{{"key", "seed"}, {"values", {1}}}}}, {"boards", {{{"board", "stm32f999"}}}}};
    fx::writeText(dir / "bad-board.json", badBoard.dump());
    const auto refused = cli({"sweep", (dir / "bad-board.json").string(), "--out", (dir / "never").string()});
    CHECK(refused.exitCode == 2);
    CHECK_THAT(refused.err, Contains("boards[0]") && Contains("stm32f999") && Contains("stm32f405"));
    CHECK_FALSE(fs::exists(dir / "never"));

    // The folder is not reused by accident; --resume finds nothing to do and leaves every point as it was.
    const auto before = fs::last_write_time(out / "points" / "p000" / "summary.json");
    const auto again = cli({"sweep", TINYFORGE_RESOURCE_DIR "/sweeps/iris-sweep.json", "--out", out.string()});
    CHECK(again.exitCode == 2);
    CHECK_THAT(again.err, Contains("not empty") && Contains("--resume"));
    const auto resumed = cli({"sweep", TINYFORGE_RESOURCE_DIR "/sweeps/iris-sweep.json", "--out", out.string(), "--resume"});
    INFO(failure(resumed));
    CHECK(resumed.exitCode == 0);
    CHECK_THAT(resumed.err, Contains("every point"));
    CHECK(fs::last_write_time(out / "points" / "p000" / "summary.json") == before);
}

TEST_CASE("Successive halving runs every candidate briefly, then the best half by validation accuracy at full length",
          "[e2e][sweep]") {
    fx::TempDir dir;
    const auto out = dir / "halving";
    const auto r = cli({"sweep", TINYFORGE_RESOURCE_DIR "/sweeps/iris-halving.json", "--out", out.string(), "--cache", (dir / "cache").string()});
    INFO(failure(r));
    REQUIRE(r.exitCode == 0);
    const auto table = readJson(out / "table.json");
    CHECK(table.at("axes") == json({"distill.temperature", "student.train.epochs"}));  // the fidelity is the last column
    REQUIRE(table.at("points").size() == 6);
    // The first rung: four candidates at 20 epochs, ranked by validation accuracy (ties: the lower id).
    std::vector<std::pair<double, std::string>> ranked;
    std::map<std::string, json> byId;
    for (const auto& p : table.at("points")) {
        INFO(p.dump());
        CHECK(p.at("status") == "done");
        REQUIRE(p.contains("val_accuracy"));
        const auto id = p.at("id").get<std::string>();
        byId[id] = p;
        if (id.find('-') == std::string::npos) {
            CHECK(p.at("values")[1] == 20);
            ranked.emplace_back(-p.at("val_accuracy").get<double>(), id);
        }
    }
    REQUIRE(ranked.size() == 4);
    std::sort(ranked.begin(), ranked.end());
    // The second rung: exactly the best two, at 80 epochs, with their candidate's temperature.
    for (int k = 0; k < 2; ++k) {
        const auto promoted = ranked[static_cast<std::size_t>(k)].second + "-r1";
        REQUIRE(byId.count(promoted) == 1);
        CHECK(byId.at(promoted).at("values") == json({byId.at(ranked[static_cast<std::size_t>(k)].second).at("values")[0], 80}));
        const auto recipe = readJson(out / "points" / promoted / "recipe.json");
        CHECK(recipe.at("student").at("train").at("epochs") == 80);
        CHECK_THAT(r.err, Contains("promoted " + ranked[static_cast<std::size_t>(k)].second));
    }
    const auto plan = fx::readText(out / "plan.json");
    CHECK(readJson(out / "plan.json").at("points")[4].at("rung") == 1);
    CHECK_FALSE(fs::exists(out / "points" / "p000" / "scores.csv"));  // class scores are kept for identity sets only

    // A second-rung point lost: resuming the folder runs only it, and does not choose the rung again.
    const auto lost = out / "points" / (ranked[1].second + "-r1");
    const auto keptSummary = fs::last_write_time(out / "points" / (ranked[0].second + "-r1") / "summary.json");
    fs::remove_all(lost);
    const auto resumed = cli({"sweep", out.string(), "--cache", (dir / "cache").string()});
    INFO(failure(resumed));
    CHECK(resumed.exitCode == 0);
    CHECK(fs::is_regular_file(lost / "summary.json"));
    CHECK(fs::last_write_time(out / "points" / (ranked[0].second + "-r1") / "summary.json") == keptSummary);
    CHECK(fx::readText(out / "plan.json") == plan);
    CHECK_THAT(resumed.err, !Contains("promoted"));

    // Halving is chosen by the CLI rung by rung: a detached Slurm sweep cannot do it.
    const auto detached = cli({"sweep", TINYFORGE_RESOURCE_DIR "/sweeps/iris-halving.json", "--out", (dir / "d").string(), "--executor", "slurm", "--detach"});
    CHECK(detached.exitCode == 2);
    CHECK_THAT(detached.err, Contains("--detach") && Contains("halving"));
}

TEST_CASE("A re-run takes the teacher and students from the stage cache with the same figures, and a changed setting retrains only what depends on it",
          "[e2e][sweep][stage_cache]") {
    fx::TempDir dir;
    const auto cache = (dir / "cache").string();
    const std::vector<std::string> quick{"--set", "export.formats=[]", "--set", "prune.final_sparsity=0.6", "--cache", cache};
    auto run = [&](const std::string& out, std::vector<std::string> extra = {}) {
        std::vector<std::string> args{"run", kIrisRecipe, "--out", (dir / out).string()};
        args.insert(args.end(), quick.begin(), quick.end());
        args.insert(args.end(), extra.begin(), extra.end());
        const auto r = cli(args);
        INFO(failure(r));
        REQUIRE(r.exitCode == 0);
        return r;
    };
    const auto stagesReused = [&](const std::string& out) {
        std::map<std::string, bool> reused;
        const auto stages = readJson(dir / out / "stages.json");
        for (const auto& s : stages.at("stages")) reused[s.at("stage").get<std::string>()] = s.at("reused").get<bool>();
        return reused;
    };
    run("first");
    CHECK(stagesReused("first") == std::map<std::string, bool>{{"teacher", false}, {"student_scratch", false}, {"student", false}});
    const auto second = run("second");
    CHECK(stagesReused("second") == std::map<std::string, bool>{{"teacher", true}, {"student_scratch", true}, {"student", true}});
    CHECK_THAT(second.err, Contains("== reusing teacher from the stage cache"));
    const auto a = readJson(dir / "first" / "summary.json"), b = readJson(dir / "second" / "summary.json");
    for (const char* model : {"teacher", "student_scratch", "student"}) {
        CHECK(a.at(model).at("test_accuracy") == b.at(model).at("test_accuracy"));
        CHECK(a.at(model).at("params") == b.at(model).at("params"));
    }
    CHECK(fx::readText(dir / "first" / "predictions.csv") == fx::readText(dir / "second" / "predictions.csv"));
    // The trained stages' epochs, replayed from the cache, timings included (compression ran again in both).
    const auto trainedRows = [&](const std::string& out) {
        std::string rows, line;
        std::istringstream in(fx::readText(dir / out / "history.csv"));
        while (std::getline(in, line)) {
            if (!line.starts_with("compress")) rows += line + "\n";
        }
        return rows;
    };
    CHECK(trainedRows("first").size() > 1000);
    CHECK(trainedRows("first") == trainedRows("second"));

    run("warmer", {"--set", "distill.temperature=2"});
    CHECK(stagesReused("warmer") == std::map<std::string, bool>{{"teacher", true}, {"student_scratch", true}, {"student", false}});

    const auto listed = cli({"cache", "ls", "--cache", cache});
    CHECK(listed.exitCode == 0);
    CHECK_THAT(listed.out, Contains("4 stages"));
    const auto cleared = cli({"cache", "clear", "--cache", cache});
    CHECK(cleared.exitCode == 0);
    CHECK_THAT(cli({"cache", "ls", "--cache", cache}).out, Contains("0 stages"));

    const auto uncached = cli({"run", kIrisRecipe, "--out", (dir / "uncached").string(), "--set", "export.formats=[]", "--no-cache"});
    CHECK(uncached.exitCode == 0);
    CHECK_FALSE(fs::exists(dir / "uncached" / "stages.json"));
}

TEST_CASE("A sweep runs as a Slurm job array with a collecting job, names a failed point, and --resume reruns only it",
          "[e2e][sweep][slurm]") {
    fx::TestSlurm slurm;
    setenv("TINYFORGE_SLURM_POLL_SECONDS", "0.5", 1);
    fx::TempDir dir;
    const auto broken = dir / "broken.csv";
    fx::writeText(broken, "a,b\n1,2\n");  // loads, but a classifier needs two classes: the points on it fail when run
    const json sweep{{"name", "iris-slurm"},
                     {"recipe", kIrisRecipe},
                     {"set", {"export.formats=[]"}},
                     {"axes", {{{"key", "dataset.path"}, {"values", {kIrisData, broken.string()}}}, {{"key", "prune.final_sparsity"}, {"values", {0.5, 0.8}}}}},
                     {"slurm", {{"cpus", 1}, {"parallel", 2}, {"partition", slurm.partition()}}}};
    fx::writeText(dir / "sweep.json", sweep.dump(2));
    const auto out = dir / "out";
    const std::vector<std::string> command{"sweep", (dir / "sweep.json").string(), "--out", out.string(), "--executor", "slurm",
                                           "--cache", (dir / "cache").string()};
    const auto first = cli(command);
    INFO(failure(first));
    CHECK(first.exitCode == 1);
    CHECK_THAT(first.err, Contains("job array") && Contains("collecting job"));
    CHECK_THAT(first.out, Contains("failed p002") && Contains("failed p003") && Contains("broken.csv"));
    const auto jobs = readJson(out / "slurm" / "jobs.json");
    CHECK(jobs.at("points") == 4);
    auto table = readJson(out / "table.json");  // written by the collecting job on the cluster
    std::map<std::string, std::string> status;
    for (const auto& p : table.at("points")) status[p.at("id")] = p.at("status");
    CHECK(status == std::map<std::string, std::string>{{"p000", "done"}, {"p001", "done"}, {"p002", "failed"}, {"p003", "failed"}});
    CHECK(fs::exists(out / "slurm" / ("collect-" + jobs.at("collect").get<std::string>() + ".out")));

    const auto before = fs::last_write_time(out / "points" / "p000" / "summary.json");
    fx::writeText(broken, fx::readText(kIrisData));  // the data is repaired
    auto resume = command;
    resume.push_back("--resume");
    const auto second = cli(resume);
    INFO(failure(second));
    CHECK(second.exitCode == 0);
    const auto resubmitted = readJson(out / "slurm" / "jobs.json");
    CHECK(resubmitted.at("points") == 2);  // only the failed points went to the cluster again
    CHECK(resubmitted.at("array") != jobs.at("array"));
    table = readJson(out / "table.json");
    for (const auto& p : table.at("points")) CHECK(p.at("status") == "done");
    CHECK(fs::last_write_time(out / "points" / "p000" / "summary.json") == before);
    checkFront(table);
}

namespace {

// A quick version of a bundled recipe: one epoch per model and phase, no scratch baseline, on `data`.
std::vector<std::string> quickRun(const std::string& recipe, const fs::path& data, const fs::path& out) {
    return {"run", recipe, "--out", out.string(), "--no-cache", "--set", "dataset.path=" + data.string(), "--set", "train.epochs=1",
            "--set", "prune.train.epochs=1", "--set", "cluster.train.epochs=1", "--set", "quantize.train.epochs=1",
            "--set", "baseline.student_scratch=false"};
}

std::vector<std::uint8_t> labelsCycling(int count, int offset) {
    std::vector<std::uint8_t> out;
    for (int i = 0; i < count; ++i) out.push_back(static_cast<std::uint8_t>((i + offset) % 10));
    return out;
}

}  // namespace

TEST_CASE("The bundled CIFAR-10 ResNet-8 recipe runs on CIFAR binary batches and builds for the F405 and L4R5, and its sweep plans",
          "[e2e][sweep][bundled]") {
    fx::TempDir dir;
    const auto data = dir / "cifar-10-batches-bin";
    fs::create_directories(data);
    const auto records = [](const std::vector<std::uint8_t>& labels) {
        std::vector<std::vector<std::uint8_t>> out;
        for (const auto l : labels) out.push_back({l});
        return fx::cifarRecords(out);
    };
    for (int b = 1; b <= 5; ++b) fx::writeBytes(data / ("data_batch_" + std::to_string(b) + ".bin"), records(labelsCycling(20, b)));
    fx::writeBytes(data / "test_batch.bin", records(labelsCycling(20, 0)));
    const auto recipe = TINYFORGE_RESOURCE_DIR "/recipes/cifar10-resnet8.json";
    const auto r = cli(quickRun(recipe, data, dir / "run"));
    INFO(failure(r));
    REQUIRE(r.exitCode == 0);
    const auto summary = readJson(dir / "run" / "summary.json");
    CHECK(summary.at("dataset").at("format") == "cifar10");
    CHECK(summary.at("dataset").at("test") == 20);
    CHECK(summary.at("student").at("arch") == "resnet8");
    CHECK(summary.at("teacher").at("arch") == "resnet20");
    CHECK(summary.at("compressed").at("weight_bits") == 8);
    for (const char* board : {"stm32f405", "stm32l4r5"}) {
        const auto built = cli({"deploy", (dir / "run").string(), "--board", board, "--build-only"});
        INFO(failure(built));
        CHECK(built.exitCode == 0);
        CHECK(json::parse(built.out).at("flash_bytes").get<std::int64_t>() > 0);
    }
    const auto plan = cli({"sweep", TINYFORGE_RESOURCE_DIR "/sweeps/cifar10-resnet8-sweep.json", "--set", "dataset.path=" + data.string(), "--plan"});
    INFO(failure(plan));
    CHECK(plan.exitCode == 0);
    CHECK_THAT(plan.out, Contains("6 points") && Contains("p005  prune.final_sparsity=0.9, cluster.clusters=64") && Contains("profiled on stm32l4r5"));
}

TEST_CASE("The bundled iris-recognition recipe runs on a folder of grayscale eye images, one folder per person, and profiles on the F405",
          "[e2e][sweep][bundled][qemu]") {
    fx::TempDir dir;
    const auto data = dir / "iris-images";
    // Four people, CASIA-IrisV4's layout (person / eye / image), each with their own shade.
    for (int person = 0; person < 4; ++person) {
        for (int i = 0; i < 10; ++i) {
            char name[64];
            std::snprintf(name, sizeof name, "%03d/%s/S1%03d%s%02d.png", person + 1, i % 2 ? "R" : "L", person + 1, i % 2 ? "R" : "L", i);
            const int shade = 40 + 50 * person + i;
            fx::writeSolidImage(data / name, 80, 70, 1, shade, shade, shade);
        }
    }
    const auto recipe = TINYFORGE_RESOURCE_DIR "/recipes/iris-id-distill.json";
    const auto r = cli(quickRun(recipe, data, dir / "run"));
    INFO(failure(r));
    REQUIRE(r.exitCode == 0);
    const auto summary = readJson(dir / "run" / "summary.json");
    CHECK(summary.at("dataset").at("format") == "folder");
    CHECK(summary.at("dataset").at("classes") == 4);
    // An identity set keeps every model's class scores, and its report judges the models as verification does.
    const auto scores = fx::readText(dir / "run" / "scores.csv");
    CHECK_THAT(scores, Contains("model,index,label,class_0,class_1,class_2,class_3\n") && Contains("\nteacher,") && Contains("\ncompressed,"));
    const auto reported = cli({"report", (dir / "run").string(), "--out", (dir / "report.html").string()});
    INFO(failure(reported));
    REQUIRE(reported.exitCode == 0);
    const auto html = fx::readText(dir / "report.html");
    CHECK_THAT(html, Contains("Verification (identities)") && Contains("FAR at FRR 1%") && Contains("run: teacher") && Contains("run: compressed"));
    const auto deployed = cli({"deploy", (dir / "run").string(), "--board", "stm32f405", "--samples", "4"});
    INFO(failure(deployed));
    CHECK(deployed.exitCode == 0);
    const auto entry = json::parse(deployed.out);
    CHECK(entry.at("identical") == entry.at("samples"));
    const auto plan = cli({"sweep", TINYFORGE_RESOURCE_DIR "/sweeps/iris-id-sweep.json", "--set", "dataset.path=" + data.string(), "--plan"});
    CHECK(plan.exitCode == 0);
    CHECK_THAT(plan.out, Contains("6 points"));
}
