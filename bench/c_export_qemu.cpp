// Exported C on an emulated Cortex-M4 (QEMU netduinoplus2, -icount): flash, arena, and instructions per inference
// and per multiply-accumulate, overall and on the convolution layers, for the Iris MLP, a LeNet-5 Fashion-MNIST
// student and ResNet-8, dense and (with the studio's own pruner and clusterer) 90% sparse with 16 shared values,
// whose weights the C decodes on the fly. Instruction counts depend on shapes and encodings, not on what the
// weights learnt, so the models are quantized with weights as initialised and activations calibrated on random
// samples of the right shape.
// Usage: bench_c_export_qemu [--keep DIR]

#include <cstdio>
#include <filesystem>
#include <map>
#include <random>
#include <regex>
#include <string>

#include <torch/torch.h>

#include "core/compress/clusterer.h"
#include "core/compress/compressible_layers.h"
#include "core/compress/pruner.h"
#include "core/compress/quantizer.h"
#include "core/export/c_export.h"
#include "core/export/test_vectors.h"
#include "core/quantized/lower_model.h"
#include "core/resources.h"
#include "core/runtime.h"

namespace {

using namespace tinyforge::core;
namespace fs = std::filesystem;

data::Dataset randomDataset(const std::vector<std::int64_t>& shape, int classes) {
    data::Dataset d;
    d.samples.kind = data::SampleKind::Image;
    d.samples.sampleShape = shape;
    for (int c = 0; c < classes; ++c) d.samples.classNames.push_back("c" + std::to_string(c));
    std::mt19937 rng(1);
    const auto size = data::elementCount(shape);
    for (int i = 0; i < 64; ++i) {
        for (std::int64_t k = 0; k < size; ++k) d.samples.pixels.push_back(static_cast<std::uint8_t>(rng() % 256));
        d.samples.labels.push_back(i % classes);
        d.splits.train.push_back(i);
        d.splits.test.push_back(i);
    }
    d.normalization = {std::vector<float>(static_cast<std::size_t>(shape[0]), 0.5f), std::vector<float>(static_cast<std::size_t>(shape[0]), 0.25f)};
    return d;
}

data::Dataset randomTable(int features, int classes) {
    data::Dataset d;
    d.samples.kind = data::SampleKind::Table;
    d.samples.sampleShape = {features};
    for (int c = 0; c < classes; ++c) d.samples.classNames.push_back("c" + std::to_string(c));
    std::mt19937 rng(1);
    std::normal_distribution<float> normal;
    for (int i = 0; i < 64; ++i) {
        for (int k = 0; k < features; ++k) d.samples.values.push_back(normal(rng));
        d.samples.labels.push_back(i % classes);
        d.splits.train.push_back(i);
        d.splits.test.push_back(i);
    }
    d.normalization = {std::vector<float>(static_cast<std::size_t>(features), 0.0f), std::vector<float>(static_cast<std::size_t>(features), 1.0f)};
    return d;
}

std::int64_t macsOf(const quantized::IntModel& m, const quantized::IntOp& op) {
    const auto& out = m.tensors[static_cast<std::size_t>(op.output)];
    if (op.kind == quantized::IntOpKind::Conv2d) return out.elements() * op.weightShape[1] * op.weightShape[2] * op.weightShape[3];
    if (op.kind == quantized::IntOpKind::FullyConnected) return op.weightShape[0] * op.weightShape[1];
    return 0;
}

std::string run(const std::string& command) {
    std::string out;
    FILE* pipe = popen((command + " 2>&1").c_str(), "r");
    if (!pipe) return out;
    char buffer[512];
    while (std::fgets(buffer, sizeof buffer, pipe)) out += buffer;
    pclose(pipe);
    return out;
}

struct Compression {
    double sparsity = 0;  ///< global magnitude pruning, or none
    int clusters = 0;     ///< k-means clusters per layer, or none
};

// The emulated cores a model is measured on: the Makefile target and the label's suffix.
struct Core {
    std::string target, suffix;
};
const Core kM4{"qemu-bench", ""};
const Core kM7{"qemu-bench-m7", ", Cortex-M7 (mps2-an500)"};
const Core kM0{"qemu-bench-m0", ", Cortex-M0 build (ARMv6-M, no DSP; mps2-an385)"};

// One model's figures on the first core it was measured on (the emulated M4), for the goals.
struct Figures {
    double instructions = 0;
    std::int64_t macs = 0, weightBytes = 0, ramBytes = 0;  ///< ram: arena + scratch
};

Figures measure(const std::string& label, const std::string& arch, const nlohmann::json& options, const data::Dataset& dataset,
                const fs::path& dir, Compression compression = {}, const std::vector<Core>& cores = {kM4}) {
    Figures first;
    models::ArchitectureSpec spec;
    spec.arch = arch;
    spec.options = options;
    auto model = models::Model::build(spec, dataset.samples.sampleShape, dataset.classCount(), 1, "student");
    compress::foldBatchNorms(model);
    if (compression.sparsity > 0) {
        compress::PruneSettings prune;
        prune.enabled = true;
        prune.global = false;  // every layer at the sparsity: global pruning of weights as initialised empties whole layers
        compress::Pruner(model, prune).prune(compression.sparsity);
    }
    std::unique_ptr<compress::Clusterer> clusterer;
    if (compression.clusters > 0) {
        compress::ClusterSettings cluster;
        cluster.enabled = true;
        cluster.clusters = compression.clusters;
        clusterer = std::make_unique<compress::Clusterer>(model, cluster, 1);
        clusterer->project();  // weights = their centroids
    }
    compress::QuantizeSettings settings;
    settings.enabled = true;
    compress::Quantizer quantizer(model, dataset, settings, clusterer.get(), 0);
    quantizer.finalize(clusterer.get());
    std::vector<compress::QuantParams> points;
    for (const auto& r : quantizer.activationRanges()) points.push_back(r.params);
    const auto integer = quantized::lowerToIntModel(model, points, 8);
    const auto exported = exporting::exportC(integer, dir);
    std::map<std::string, int> encodings;
    for (const auto& layer : exported.layers) ++encodings[layer.encoding + (layer.kernel == "sparse" ? " (sparse kernel)" : "")];
    exporting::writeTestVectorsC(exporting::makeTestVectors(integer, dataset, dataset.splits.test), dir, 1);
    for (const auto& core : cores) {
        const std::string out = run("make -s -f " + (resourceDir() / "c_runtime" / "Makefile").string() + " EXPORT=" + dir.string() + " " + core.target);
        std::smatch m;
        if (!std::regex_search(out, m, std::regex("instructions_per_inference (\\d+)"))) {
            std::printf("%s%s: the QEMU run failed:\n%s\n", label.c_str(), core.suffix.c_str(), out.c_str());
            continue;
        }
        const double total = std::stod(m[1]);
        std::smatch size;  // arm-none-eabi-size: text data bss dec hex file
        const bool sized = std::regex_search(out, size, std::regex("\\s(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+\\d+\\s+[0-9a-f]+\\s+\\S*bench\\w*\\.elf"));
        const long long firmwareFlash = sized ? std::stoll(size[1]) + std::stoll(size[2]) : -1;
        const long long firmwareRam = sized ? std::stoll(size[2]) + std::stoll(size[3]) : -1;
        std::int64_t macs = 0, convMacs = 0;
        double convInstructions = 0;
        const std::regex opLine("op (\\d+) instructions (\\d+)");
        for (auto it = std::sregex_iterator(out.begin(), out.end(), opLine); it != std::sregex_iterator(); ++it) {
            const auto& op = integer.ops.at(std::stoul((*it)[1]));
            macs += macsOf(integer, op);
            if (op.kind == quantized::IntOpKind::Conv2d) {
                convMacs += macsOf(integer, op);
                convInstructions += std::stod((*it)[2]);
            }
        }
        std::string encodingList;
        for (const auto& [name, count] : encodings) encodingList += (encodingList.empty() ? "" : ", ") + name + " x" + std::to_string(count);
        std::printf("| %s%s | %lld | %lld | %lld | %lld | %lld + %lld | %lld | %.0f | %.2f | %s | %s |\n", label.c_str(), core.suffix.c_str(),
                    static_cast<long long>(macs), static_cast<long long>(exported.weightBytes), static_cast<long long>(exported.flashBytes),
                    firmwareFlash, static_cast<long long>(exported.arenaBytes), static_cast<long long>(exported.scratchBytes), firmwareRam, total, total / static_cast<double>(macs),
                    convMacs ? std::to_string(convInstructions / static_cast<double>(convMacs)).substr(0, 5).c_str() : "n/a",
                    encodingList.c_str());
        if (first.macs == 0) first = {total, macs, exported.weightBytes, exported.arenaBytes + exported.scratchBytes};
    }
    return first;
}

}  // namespace

int main(int argc, char** argv) {
    configureThreads(0);
    fs::path root = argc == 3 && std::string(argv[1]) == "--keep" ? fs::path(argv[2]) : fs::temp_directory_path() / "tinyforge-bench-c";
    fs::remove_all(root);
    std::printf("Exported C, arm-none-eabi-gcc -O2 -mcpu=cortex-m4 (DSP kernels), QEMU netduinoplus2 -icount shift=0; emulated\n"
                "instructions (not cycles: an LDM of four words counts once, a taken branch once)\n\n");
    std::printf("| model | MACs | weight bytes | model data bytes | firmware flash bytes | arena + scratch bytes | firmware RAM bytes | "
                "instructions / inference | instructions / MAC | on convolutions | weight encodings |\n");
    std::printf("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
    const Compression sparse{0.9, 16};
    measure("Iris MLP [16] (4 features)", "mlp", {{"hidden", {16}}}, randomTable(4, 3), root / "iris");
    measure("LeNet-5, Fashion-MNIST 1x28x28", "lenet5", nlohmann::json::object(), randomDataset({1, 28, 28}, 10), root / "lenet5");
    measure("LeNet-5, 90% sparse, 16 clusters", "lenet5", nlohmann::json::object(), randomDataset({1, 28, 28}, 10), root / "lenet5-sparse", sparse);
    const Figures dense = measure("ResNet-8, 3x32x32", "resnet8", nlohmann::json::object(), randomDataset({3, 32, 32}, 10), root / "resnet8", {},
                                  {kM4, kM7, kM0});
    const Figures pruned = measure("ResNet-8, 90% sparse, 16 clusters", "resnet8", nlohmann::json::object(), randomDataset({3, 32, 32}, 10),
                                   root / "resnet8-sparse", sparse, {kM4, kM7, kM0});
    // The reference rows: TensorFlow Lite Micro on the same emulated core, the same compiler and flags, measured the
    // same way for MLPerf Tiny's ResNet-8 (12,501,632 MACs, int8), as issue 21 reports them (not rebuilt here: TFLM is
    // not a Debian package).
    std::printf("\nReference (issue 21, same QEMU machine and counting): ResNet-8 int8 with TensorFlow Lite Micro + CMSIS-NN: "
                "29.86 M instructions (2.39 / MAC), arena 55.0 KB, firmware flash 155.5 KB; with TFLM's reference kernels: "
                "107.5 M (8.60 / MAC), arena 54.3 KB, flash 150.1 KB.\n");
    if (dense.macs > 0 && pruned.macs > 0) {
        constexpr double kTflmArenaBytes = 55.0 * 1024;  // TFLM's arena holds its kernels' scratch buffers too
        std::printf("\nIssue 21's goals, ResNet-8 on the emulated Cortex-M4:\n"
                    "  dense: %.2f instructions / MAC (goal <= 1.5)\n"
                    "  90%% sparse, 16 clusters: %.2fx the dense instructions at %.2fx its weight bytes (goal <= 0.5x at <= 0.15x)\n"
                    "  arena + scratch: dense %lld bytes = %.2fx TFLM's 55.0 KB, sparse %lld bytes = %.2fx (goal <= 0.8x)\n",
                    dense.instructions / static_cast<double>(dense.macs), pruned.instructions / dense.instructions,
                    static_cast<double>(pruned.weightBytes) / static_cast<double>(dense.weightBytes), static_cast<long long>(dense.ramBytes),
                    static_cast<double>(dense.ramBytes) / kTflmArenaBytes, static_cast<long long>(pruned.ramBytes),
                    static_cast<double>(pruned.ramBytes) / kTflmArenaBytes);
    }
    return 0;
}
