#include <catch2/catch.hpp>


#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/support/fixtures.h"
#include "tests/support/process.h"

namespace fx = tinyforge::test;
using fx::cli;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using nlohmann::json;

namespace {
const std::string kIrisRecipe = TINYFORGE_RESOURCE_DIR "/recipes/iris-distill.json";

}  // namespace

TEST_CASE("run writes a run folder for the Iris recipe", "[e2e][cli][run]") {
    fx::TempDir dir;
    const auto out = dir / "iris";
    const auto result = cli({"run", kIrisRecipe, "--out", out.string(), "--set", "train.epochs=20"});
    INFO(result.err);
    REQUIRE(result.exitCode == 0);
    CHECK_THAT(result.out, Contains("student") && Contains("test acc"));

    const json summary = json::parse(fx::readText(out / "summary.json"));
    CHECK(summary["dataset"]["name"] == "iris");
    CHECK(summary["dataset"]["train"].get<int>() + summary["dataset"]["val"].get<int>() + summary["dataset"]["test"].get<int>() == 150);
    CHECK(summary["dataset"]["classes"] == 3);
    for (const char* model : {"teacher", "student_scratch", "student"}) {
        INFO(model);
        const auto& m = summary[model];
        CHECK(m["arch"] == "mlp");
        CHECK(m["params"].get<int>() > 0);
        CHECK(m["macs"].get<int>() > 0);
        CHECK(m["bytes_fp32"].get<int>() >= 4 * m["params"].get<int>());
        CHECK(m["test_accuracy"].get<double>() >= 0.0);
        CHECK(m["test_accuracy"].get<double>() <= 1.0);
    }
    CHECK(summary["teacher"]["params"].get<int>() > 10 * summary["student"]["params"].get<int>());
    CHECK(summary["timings"].contains("total_seconds"));

    // The recipe compresses the distilled student: prune (30 epochs), cluster (20), quantization-aware (10).
    const auto& c = summary["compressed"];
    CHECK(c["bytes_deployed"].get<int>() > 0);
    CHECK(c["bytes_deployed"].get<int>() < summary["student"]["bytes_fp32"].get<int>() / 2);
    CHECK(c["weight_bits"] == 8);
    CHECK(c["activation_bits"] == 8);
    CHECK(c["bytes_by_layer"].contains("fc1"));
    CHECK(c["clusters"]["fc1"].get<int>() <= 8);
    CHECK(c["test_accuracy"].get<double>() >= 0.0);
    CHECK(summary["ratios"]["teacher_to_deployed"].get<double>() ==
          Approx(summary["teacher"]["bytes_fp32"].get<double>() / c["bytes_deployed"].get<double>()));
    CHECK(std::filesystem::exists(out / "compressed.pt"));
    CHECK(json::parse(fx::readText(out / "compressed.json"))["activation_points"].size() == 3);

    const std::string history = fx::readText(out / "history.csv");
    CHECK_THAT(history, StartsWith("model,epoch,loss,soft_loss,hard_loss,train_accuracy,val_accuracy"));
    CHECK_THAT(history, Contains("sparsity,deployed_bytes"));
    CHECK(std::count(history.begin(), history.end(), '\n') == 1 + 3 * 20 + 30 + 20 + 10);
    CHECK_THAT(history, Contains("\ncompress_prune,30,"));
    for (const char* file : {"teacher.pt", "student.pt", "student_scratch.pt", "recipe.json"}) {
        CHECK(std::filesystem::exists(out / file));
    }
    CHECK(json::parse(fx::readText(out / "recipe.json"))["train"]["epochs"] == 20);

    // The recipe's export section wrote every format at the end of the run.
    for (const char* format : {"c", "torchscript", "onnx"}) CHECK(summary["export"].contains(format));
    CHECK(std::filesystem::exists(out / "export" / "c" / "tf_model.c"));
    CHECK(std::filesystem::exists(out / "export" / "onnx" / "compressed.onnx"));
}

TEST_CASE("sensitivity tables each layer's accuracy against its sparsity for a run's model", "[e2e][cli][compress]") {
    fx::TempDir dir;
    const auto out = dir / "iris";
    REQUIRE(cli({"run", kIrisRecipe, "--out", out.string(), "--set", "train.epochs=20", "--set", "prune.enabled=false",
                 "--set", "cluster.enabled=false", "--set", "quantize.enabled=false", "--set", "export.formats=[]"}).exitCode == 0);
    const auto result = cli({"sensitivity", out.string(), "--sparsities", "0,0.5,0.95"});
    INFO(result.err);
    REQUIRE(result.exitCode == 0);
    const std::string table = fx::readText(out / "sensitivity-student.csv");
    CHECK(table == result.out);
    CHECK_THAT(table, StartsWith("layer,weights,sparsity,accuracy\nfc1,64,0.000,"));
    CHECK(std::count(table.begin(), table.end(), '\n') == 1 + 2 * 3);  // fc1 and fc, three sparsities each
    // Unpruned, the table reproduces the student's validation accuracy; the weights are restored between rows.
    const json summary = json::parse(fx::readText(out / "summary.json"));
    char expected[32];
    std::snprintf(expected, sizeof expected, "fc1,64,0.000,%.6f", summary["student"]["val_accuracy"].get<double>());
    CHECK_THAT(table, Contains(expected));
    std::snprintf(expected, sizeof expected, "fc,48,0.000,%.6f", summary["student"]["val_accuracy"].get<double>());
    CHECK_THAT(table, Contains(expected));
    CHECK(cli({"sensitivity", dir.path().string()}).exitCode == 2);
    CHECK(cli({"sensitivity", out.string(), "--sparsities", "0.5,2"}).exitCode == 2);
    CHECK(cli({"sensitivity", out.string(), "--model", "teacher7"}).exitCode == 2);
}

TEST_CASE("run distils from a teacher trained in PyTorch and imported as TorchScript", "[e2e][cli][run][torchscript]") {
    fx::TempDir dir;
    // A teacher trained in PyTorch on the same normalised Iris features the studio feeds it.
    fx::writeText(dir / "train_teacher.py", R"(
import sys, torch
torch.manual_seed(0)
rows = [l.strip().split(",") for l in open(sys.argv[1]) if l.strip()][1:]
names = sorted({r[-1] for r in rows})
x = torch.tensor([[float(v) for v in r[:-1]] for r in rows]); y = torch.tensor([names.index(r[-1]) for r in rows])
x = (x - x.mean(0)) / x.std(0)
model = torch.nn.Sequential(torch.nn.Linear(4, 32), torch.nn.ReLU(), torch.nn.Linear(32, 3))
opt = torch.optim.Adam(model.parameters(), lr=0.02)
for _ in range(300):
    opt.zero_grad(); loss = torch.nn.functional.cross_entropy(model(x), y); loss.backward(); opt.step()
torch.jit.trace(model, x[:1]).save(sys.argv[2])
)");
    REQUIRE(fx::runProcess({"/usr/bin/python3", (dir / "train_teacher.py").string(), TINYFORGE_RESOURCE_DIR "/data/iris.csv",
                            (dir / "teacher.pt").string()}).exitCode == 0);
    const auto out = dir / "run";
    const auto result = cli({"run", kIrisRecipe, "--out", out.string(), "--set", "teacher={\"torchscript\": \"" +
                             (dir / "teacher.pt").string() + "\"}", "--set", "train.epochs=60", "--set", "prune.enabled=false",
                             "--set", "cluster.enabled=false", "--set", "quantize.enabled=false", "--set", "export.formats=[]"});
    INFO(result.err);
    REQUIRE(result.exitCode == 0);
    const json summary = json::parse(fx::readText(out / "summary.json"));
    CHECK(summary["teacher"]["arch"] == "torchscript:teacher.pt");
    CHECK_FALSE(summary["teacher"].contains("macs"));  // unknown for an opaque model: left out
    CHECK(summary["teacher"]["epochs"] == 0);  // used as it is
    CHECK(summary["teacher"]["test_accuracy"].get<double>() >= 0.9);
    CHECK(summary["student"]["test_accuracy"].get<double>() >= 0.9);

    fx::writeText(dir / "five.csv", "a,b,c,d,e,label\n1,2,3,4,5,x\n2,3,4,5,6,y\n3,4,5,6,7,x\n4,5,6,7,8,y\n5,6,7,8,9,x\n");
    const auto mismatch = cli({"run", kIrisRecipe, "--out", (dir / "bad").string(), "--set",
                               "dataset.path=" + (dir / "five.csv").string(), "--set",
                               "teacher={\"torchscript\": \"" + (dir / "teacher.pt").string() + "\"}"});
    CHECK(mismatch.exitCode == 2);
    CHECK_THAT(mismatch.err, Contains("teacher.pt") && Contains("does not accept the dataset's samples (shape 5)"));
}

TEST_CASE("run with joint pruning keeps the dense distilled student and prunes a fresh one while distilling", "[e2e][cli][compress]") {
    fx::TempDir dir;
    const auto out = dir / "iris";
    const auto result = cli({"run", kIrisRecipe, "--out", out.string(), "--set", "train.epochs=40", "--set",
                             "prune.joint=true", "--set", "prune.interval=10", "--set", "prune.updates=10"});
    INFO(result.err);
    REQUIRE(result.exitCode == 0);
    const json summary = json::parse(fx::readText(out / "summary.json"));
    const auto& c = summary["compressed"];
    CHECK(c["phases"][0]["phase"] == "compress_joint");
    CHECK(c["phases"][0]["epochs"] == 40);
    CHECK(c["sparsity"].get<double>() == Approx(0.5 * 64 / (64 + 48)).margin(0.01));  // fc1 at 50%, fc excluded
    CHECK(summary["student"]["epochs"] == 40);
    const std::string history = fx::readText(out / "history.csv");
    CHECK_THAT(history, Contains("\ncompress_joint,40,"));
    CHECK_THAT(history, Contains("\nstudent,40,"));
}

TEST_CASE("run --resume finishes a run without training finished models again", "[e2e][cli][run]") {
    fx::TempDir dir;
    const auto out = dir / "iris";
    REQUIRE(cli({"run", kIrisRecipe, "--out", out.string(), "--set", "train.epochs=5"}).exitCode == 0);
    const auto first = json::parse(fx::readText(out / "summary.json"));
    REQUIRE(cli({"run", kIrisRecipe, "--out", out.string(), "--set", "train.epochs=5", "--resume"}).exitCode == 0);
    const auto again = json::parse(fx::readText(out / "summary.json"));
    CHECK(again["student"]["test_accuracy"] == first["student"]["test_accuracy"]);
    CHECK(again["teacher"]["epochs"] == 5);
}

TEST_CASE("A run folder never mixes two runs: refused when not empty, resumed only for the same recipe, cleared with --force",
          "[e2e][cli][run][bad-input]") {
    fx::TempDir dir;
    const auto out = dir / "iris";
    const auto run = [&](std::vector<std::string> extra) {
        std::vector<std::string> args{"run", kIrisRecipe, "--out", out.string(), "--set", "export.formats=[]"};
        args.insert(args.end(), extra.begin(), extra.end());
        return cli(args);
    };
    REQUIRE(run({"--set", "train.epochs=3"}).exitCode == 0);
    const auto again = run({"--set", "train.epochs=3"});
    CHECK(again.exitCode == 2);
    CHECK_THAT(again.err, Contains(out.string()) && Contains("not empty") && Contains("--force"));

    const auto otherRecipe = run({"--set", "train.epochs=4", "--resume"});
    CHECK(otherRecipe.exitCode == 2);
    CHECK_THAT(otherRecipe.err, Contains("different recipe") && Contains("train.epochs: 3 -> 4"));

    // A stale compressed model (as an earlier studio left them) is refused by export, naming the file.
    auto models = json::parse(fx::readText(out / "models.json"));
    CHECK(models.contains("teacher"));
    CHECK(models["compressed"] == models["student"]);
    models["compressed"] = std::string(64, '0');
    fx::writeText(out / "models.json", models.dump());
    const auto stale = cli({"export", out.string(), "--format", "c"});
    CHECK(stale.exitCode == 2);
    CHECK_THAT(stale.err, Contains("compressed.pt") && Contains("another recipe"));

    const auto forced = run({"--set", "train.epochs=4", "--force"});
    INFO(forced.err);
    REQUIRE(forced.exitCode == 0);
    CHECK(json::parse(fx::readText(out / "summary.json"))["teacher"]["epochs"] == 4);
    CHECK(cli({"export", out.string(), "--format", "c"}).exitCode == 0);
    CHECK(run({"--resume", "--force"}).exitCode != 0);  // one or the other

    fx::writeText(dir / "mine" / "thesis.tex", "years of work");
    const auto notARun = cli({"run", kIrisRecipe, "--out", (dir / "mine").string(), "--force"});
    CHECK(notARun.exitCode == 2);
    CHECK_THAT(notARun.err, Contains("clears only run folders"));
    CHECK(std::filesystem::exists(dir / "mine" / "thesis.tex"));
}

namespace {

// Starts tinyforge-cli with `args`, waits for `file` to appear (a phase's first checkpoint), and kills it with
// SIGKILL at once: no handler runs, nothing is flushed, as when the machine loses power or the OOM killer strikes.
// Returns whether the file appeared before the run ended by itself.
bool killWhenWritten(const std::vector<std::string>& args, const std::filesystem::path& file) {
    std::vector<std::string> argv{TINYFORGE_CLI_PATH};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> raw;
    for (auto& a : argv) raw.push_back(a.data());
    raw.push_back(nullptr);
    const pid_t pid = fork();
    if (pid == 0) {
        const int devNull = open("/dev/null", O_WRONLY);
        dup2(devNull, 1);
        dup2(devNull, 2);
        execv(raw[0], raw.data());
        _exit(127);
    }
    bool appeared = false;
    for (;;) {
        if (std::filesystem::exists(file)) {
            appeared = true;
            kill(pid, SIGKILL);
            break;
        }
        if (waitpid(pid, nullptr, WNOHANG) == pid) return false;
        std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
    waitpid(pid, nullptr, 0);
    return appeared;
}

}  // namespace

TEST_CASE("A run killed with SIGKILL in any compression phase resumes to the same compressed model as an uninterrupted run",
          "[e2e][cli][run][resume]") {
    fx::TempDir dir;
    const std::vector<std::string> common{"--no-cache", "--set", "train.epochs=10", "--set", "baseline.student_scratch=false",
                                          "--set", "export.formats=[]", "--set", "prune.train.epochs=40",
                                          "--set", "cluster.train.epochs=40", "--set", "quantize.train.epochs=40"};
    // Structured pruning then magnitude pruning, clustering and QAT; and pruning jointly with distillation.
    const std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>> pipelines{
        {{"--set", "prune_channels.ratio=0.5", "--set", "prune_channels.train.epochs=40"},
         {"compress_channels", "compress_prune", "compress_cluster", "compress_qat"}},
        {{"--set", "prune.joint=true", "--set", "train.epochs=40"}, {"compress_joint"}}};
    for (std::size_t p = 0; p < pipelines.size(); ++p) {
        const auto& [extra, phases] = pipelines[p];
        const auto runArgs = [&](const std::filesystem::path& out) {
            std::vector<std::string> args{"run", kIrisRecipe, "--out", out.string()};
            args.insert(args.end(), common.begin(), common.end());
            args.insert(args.end(), extra.begin(), extra.end());
            return args;
        };
        const auto straight = dir / ("straight" + std::to_string(p));
        const auto uninterrupted = cli(runArgs(straight));
        INFO(uninterrupted.err);
        REQUIRE(uninterrupted.exitCode == 0);
        const auto expected = fx::readText(straight / "compressed.pt");
        const auto expectedSummary = json::parse(fx::readText(straight / "summary.json"))["compressed"];

        for (const auto& phase : phases) {
            INFO(phase);
            const auto out = dir / phase;
            CHECK(killWhenWritten(runArgs(out), out / "checkpoints" / (phase + ".ckpt")));
            CHECK_FALSE(std::filesystem::exists(out / "summary.json"));
            auto resumeArgs = runArgs(out);
            resumeArgs.push_back("--resume");
            const auto resumed = cli(resumeArgs);
            INFO(resumed.err);
            REQUIRE(resumed.exitCode == 0);
            CHECK(fx::readText(out / "compressed.pt") == expected);
            const auto summary = json::parse(fx::readText(out / "summary.json"))["compressed"];
            CHECK(summary["test_accuracy"] == expectedSummary["test_accuracy"]);
            CHECK(summary["bytes_deployed"] == expectedSummary["bytes_deployed"]);
        }
    }
}

TEST_CASE("run refuses bad recipes with the field's path and exit status 2", "[e2e][cli][run][bad-input]") {
    const auto badT = cli({"run", kIrisRecipe, "--set", "distill.temperature=0"});
    CHECK(badT.exitCode == 2);
    CHECK_THAT(badT.err, StartsWith("error: ") && Contains("iris-distill.json: distill.temperature: must be > 0"));
    const auto badArch = cli({"run", kIrisRecipe, "--set", "student.arch=transformer"});
    CHECK(badArch.exitCode == 2);
    CHECK_THAT(badArch.err, Contains("student.arch: unknown architecture 'transformer'"));
    const auto cnnOnTable = cli({"run", kIrisRecipe, "--out", "/tmp/tinyforge-never-written", "--set", "student.arch=resnet8",
                                 "--set", "student.hidden=null"});
    CHECK(cnnOnTable.exitCode == 2);
    const auto missing = cli({"run", "/no/such/recipe.json"});
    CHECK(missing.exitCode == 2);
    CHECK_THAT(missing.err, Contains("/no/such/recipe.json"));
    CHECK(cli({"run", "--help"}).exitCode == 0);
    const auto escaping = cli({"run", kIrisRecipe, "--set", "name=../../escape"});
    CHECK(escaping.exitCode == 2);
    CHECK_THAT(escaping.err, Contains("name: '../../escape' must be"));
}

TEST_CASE("run --seeds 3 writes a run folder per seed and an aggregate that matches them", "[e2e][cli][run][seeds]") {
    fx::TempDir dir;
    const auto out = dir / "iris";
    const auto result = cli({"run", TINYFORGE_RESOURCE_DIR "/recipes/iris-distill.json", "--out", out.string(), "--seeds", "3", "--set",
                             "train.epochs=20", "--set", "export.formats=[]"});
    INFO(result.err);
    REQUIRE(result.exitCode == 0);
    const json aggregate = json::parse(fx::readText(out / "aggregate.json"));
    CHECK(aggregate["seeds"] == json::array({42, 43, 44}));
    std::vector<double> student;
    for (const int seed : {42, 43, 44}) {
        const auto run = out / ("seed-" + std::to_string(seed));
        const json summary = json::parse(fx::readText(run / "summary.json"));
        CHECK(summary["seed"] == seed);
        const int cores = static_cast<int>(std::thread::hardware_concurrency());
        CHECK(summary["threads"] == std::max(1, cores / std::min(3, cores)));  // the cores shared among the runs at once
        student.push_back(summary["student"]["test_accuracy"].get<double>());
        CHECK(summary["compressed"]["deployed_test_accuracy"] == summary["compressed"]["integer"]["test_accuracy"]);
        CHECK_THAT(fx::readText(run / "run.log"), Contains("run folder:"));
    }
    // The aggregate's spread is the per-seed figures' mean and sample standard deviation.
    const json& spread = aggregate["student"]["test_accuracy"];
    CHECK(spread["per_seed"] == json(student));
    const double mean = (student[0] + student[1] + student[2]) / 3;
    double squares = 0;
    for (const double s : student) squares += (s - mean) * (s - mean);
    CHECK(spread["mean"].get<double>() == Approx(mean));
    CHECK(spread["std"].get<double>() == Approx(std::sqrt(squares / 2)).margin(1e-12));
    // Each seed's McNemar counts are the discordant samples of its predictions.csv.
    const json& distil = aggregate["comparisons"][0];
    CHECK(distil["first"] == "student");
    CHECK(distil["second"] == "student_scratch");
    for (int k = 0; k < 3; ++k) {
        const std::string csv = fx::readText(out / ("seed-" + std::to_string(42 + k)) / "predictions.csv");
        std::istringstream lines(csv);
        std::string line;
        std::getline(lines, line);
        CHECK(line == "index,label,teacher,student_scratch,student,compressed,deployed");
        int studentOnly = 0, scratchOnly = 0, rows = 0;
        while (std::getline(lines, line)) {
            std::vector<int> v;
            std::istringstream fields(line);
            for (std::string f; std::getline(fields, f, ',');) v.push_back(std::stoi(f));
            studentOnly += v[4] == v[1] && v[3] != v[1];
            scratchOnly += v[3] == v[1] && v[4] != v[1];
            ++rows;
        }
        CHECK(rows == 30);
        CHECK(distil["per_seed"][k]["first_only"] == studentOnly);
        CHECK(distil["per_seed"][k]["second_only"] == scratchOnly);
    }
    CHECK_THAT(result.out, Contains("+-") && Contains("McNemar"));
}
