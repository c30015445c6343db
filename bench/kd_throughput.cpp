// Distillation-step throughput of the engine against the same loop in Python with python3-torch.
// Same architectures, batch size and threads; teacher logits cached in both. Prints samples/s and the ratio.
// Usage: bench_kd_throughput [--threads N] [--epochs E] [--samples N] [--python PATH] [--fashion DIR]

#include <algorithm>
#include <array>
#include <cstdio>
#include <memory>
#include <string>

#include "core/data/load_dataset.h"
#include "core/resources.h"
#include "core/runtime.h"
#include "core/train/trainer.h"

namespace {

using namespace tinyforge::core;

struct Pair {
    std::string name;
    models::ArchitectureSpec teacher, student;
    int batch;
};

models::ArchitectureSpec spec(const std::string& arch, nlohmann::json options) {
    models::ArchitectureSpec s;
    s.arch = arch;
    s.options = std::move(options);
    return s;
}

double engineSamplesPerSecond(const Pair& pair, const data::Dataset& dataset, int epochs) {
    const auto shape = dataset.samples.sampleShape;
    std::vector<models::Model> teachers{models::Model::build(pair.teacher, shape, dataset.classCount(), 0, "teacher")};
    auto student = models::Model::build(pair.student, shape, dataset.classCount(), 0, "student");
    train::TrainJob job;
    job.name = "student";
    job.settings.batchSize = pair.batch;
    job.settings.epochs = epochs;
    job.settings.schedule = "constant";
    job.teachers = &teachers;
    const auto result = train::trainModel(student, dataset, job);
    double samples = 0, seconds = 0;
    for (std::size_t e = epochs > 1 ? 1 : 0; e < result.history.size(); ++e) {  // epoch 1 warms up, as in Python
        samples += result.history[e].samplesPerSecond * result.history[e].seconds;
        seconds += result.history[e].seconds;
    }
    return samples / seconds;
}

double pythonSamplesPerSecond(const std::string& python, const std::string& script, const std::string& args) {
    const std::string command = python + " " + script + " " + args + " 2>&1";
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
    if (!pipe) return 0;
    std::array<char, 512> line{};
    double value = 0;
    while (fgets(line.data(), line.size(), pipe.get()) != nullptr) {
        if (std::sscanf(line.data(), "samples_per_second %lf", &value) != 1) std::fputs(line.data(), stderr);
    }
    return value;
}

}  // namespace

int main(int argc, char** argv) {
    int threads = 0, epochs = 3;
    std::int64_t samples = 12800;
    std::string python = "/usr/bin/python3", fashion = "/usr/share/datasets/fashion-mnist";
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string arg = argv[i];
        if (arg == "--threads") threads = std::stoi(argv[i + 1]);
        else if (arg == "--epochs") epochs = std::stoi(argv[i + 1]);
        else if (arg == "--samples") samples = std::stoll(argv[i + 1]);
        else if (arg == "--python") python = argv[i + 1];
        else if (arg == "--fashion") fashion = argv[i + 1];
    }
    threads = configureThreads(threads);
    const std::string script = (resourceDir().parent_path() / "bench" / "kd_throughput.py").string();
    const auto iris = (resourceDir() / "data" / "iris.csv").string();
    std::printf("threads %d, epochs %d (the first is warm-up), teacher logits cached in both loops\n", threads, epochs);
    std::printf("%-34s %14s %14s %8s\n", "pair", "engine smp/s", "python smp/s", "ratio");

    const Pair mlpPair{"iris mlp [64,64] -> [6], batch 16", spec("mlp", {{"hidden", {64, 64}}}),
                       spec("mlp", {{"hidden", {6}}}), 16};
    data::LoadOptions irisOptions;
    irisOptions.path = iris;
    irisOptions.valFraction = irisOptions.testFraction = 0;  // all 150 rows train, as the Python loop does
    const auto irisData = data::loadDataset(irisOptions);
    const int irisEpochs = epochs * 60;  // 150 rows an epoch: many epochs for a stable figure
    const double e1 = engineSamplesPerSecond(mlpPair, irisData, irisEpochs);
    const double p1 = pythonSamplesPerSecond(python, script, "iris --threads " + std::to_string(threads) +
                                                                 " --epochs " + std::to_string(irisEpochs) + " --data " + iris);
    std::printf("%-34s %14.0f %14.0f %7.2fx\n", mlpPair.name.c_str(), e1, p1, p1 > 0 ? e1 / p1 : 0.0);

    const Pair cnnPair{"fashion cnn-small 390k -> 29k, b 128",
                       spec("cnn-small", {{"channels", {32, 64, 128}}, {"hidden", {256}}}),
                       spec("cnn-small", {{"channels", {16, 32, 64}}}), 128};
    data::LoadOptions fashionOptions;
    fashionOptions.path = fashion;
    fashionOptions.valFraction = 0;
    auto fashionData = data::loadDataset(fashionOptions);
    fashionData.splits.train.resize(std::min<std::size_t>(fashionData.splits.train.size(), samples));
    fashionData.splits.val = {};
    const double e2 = engineSamplesPerSecond(cnnPair, fashionData, epochs);
    const double p2 = pythonSamplesPerSecond(python, script, "fashion --threads " + std::to_string(threads) + " --epochs " +
                                                                 std::to_string(epochs) + " --samples " + std::to_string(samples) +
                                                                 " --data " + fashion);
    std::printf("%-34s %14.0f %14.0f %7.2fx\n", cnnPair.name.c_str(), e2, p2, p2 > 0 ? e2 / p2 : 0.0);
    return 0;
}
