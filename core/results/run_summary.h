#pragma once
// summary.json, typed: what a run produced (dataset, each model, the compressed model, exports, device profiles).
// Every writer and reader (pipeline, export, deploy, CLI, window) goes through these structs; the JSON keys, the
// reader's checks and `tinyforge-cli schema summary` all come from the field lists below.

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/contract/json_contract.h"

namespace tinyforge::core::results {

using contract::field;

/// Keys that several structs share, spelled once here (each struct's own keys are spelled in its field list).
namespace key {
inline constexpr std::string_view kArch = "arch";
inline constexpr std::string_view kArenaBytes = "arena_bytes";
inline constexpr std::string_view kBoard = "board";
inline constexpr std::string_view kDir = "dir";
inline constexpr std::string_view kEpochs = "epochs";
inline constexpr std::string_view kFiles = "files";
inline constexpr std::string_view kFlashBytes = "flash_bytes";
inline constexpr std::string_view kMacs = "macs";
inline constexpr std::string_view kName = "name";
inline constexpr std::string_view kOps = "ops";
inline constexpr std::string_view kParams = "params";
inline constexpr std::string_view kRamBytes = "ram_bytes";
inline constexpr std::string_view kTestAccuracy = "test_accuracy";
inline constexpr std::string_view kValAccuracy = "val_accuracy";
inline constexpr std::string_view kWeightBits = "weight_bits";
}  // namespace key

/// The summary format this studio writes and reads; bumped when a field changes meaning or type.
/// Version 2 is still read: its device entries are dropped (their microcontroller counts were SysTick ticks of QEMU's
/// model clock, labelled instructions), the rest is unchanged.
inline constexpr int kSummarySchemaVersion = 3;

struct DatasetSummary {
    std::string name, format, source;
    std::int64_t train = 0, val = 0, test = 0, classes = 0;
    static constexpr std::string_view kName = "DatasetSummary", kDoc = "The dataset and its splits";
    static auto fields() {
        using S = DatasetSummary;
        return std::tuple{field(key::kName, &S::name, "dataset name"), field("format", &S::format, "format id (csv, idx, cifar, folder)"),
                          field("source", &S::source, "file or folder it was read from"),
                          field("train", &S::train, "training samples", "samples"), field("val", &S::val, "validation samples", "samples"),
                          field("test", &S::test, "test samples", "samples"), field("classes", &S::classes, "classes", "classes")};
    }
};

struct LayerSummary {
    std::string name, type;
    std::vector<std::int64_t> output_shape;
    std::int64_t params = 0, macs = 0;
    static constexpr std::string_view kName = "LayerSummary", kDoc = "One layer of a model";
    static auto fields() {
        using S = LayerSummary;
        return std::tuple{field(key::kName, &S::name, "layer name"), field("type", &S::type, "layer type (Conv2d, Linear, ...)"),
                          field("output_shape", &S::output_shape, "output shape of one sample"),
                          field(key::kParams, &S::params, "parameters", "parameters"), field(key::kMacs, &S::macs, "multiply-accumulates per sample", "MACs")};
    }
};

struct DistillUsed {
    double temperature = 0, alpha = 0;
    std::string loss;
    static constexpr std::string_view kName = "DistillUsed", kDoc = "The distillation settings the student was trained with";
    static auto fields() {
        using S = DistillUsed;
        return std::tuple{field("temperature", &S::temperature, "softmax temperature T"), field("alpha", &S::alpha, "weight of the soft term"),
                          field("loss", &S::loss, "kl or sum")};
    }
};

/// A trained model: the teacher (or an ensemble of teachers), the scratch student, the distilled student.
struct ModelResult {
    std::string arch;
    std::int64_t params = 0, bytes_fp32 = 0;
    std::optional<std::int64_t> macs;  ///< absent for TorchScript models, whose layers the studio cannot see
    std::vector<LayerSummary> layers;
    double test_accuracy = 0;
    std::optional<double> val_accuracy;  ///< absent when the recipe has no validation split
    std::optional<int> epochs, best_epoch;
    std::optional<bool> stopped_early;
    std::optional<double> train_seconds;
    std::optional<DistillUsed> distill;
    std::vector<ModelResult> members;  ///< an ensemble's teachers; empty otherwise
    static constexpr std::string_view kName = "ModelResult", kDoc = "A trained model and its accuracy";
    static auto fields() {
        using S = ModelResult;
        return std::tuple{field(key::kArch, &S::arch, "architecture id, \"torchscript\" or \"ensemble\""),
                          field(key::kParams, &S::params, "parameters", "parameters"), field("bytes_fp32", &S::bytes_fp32, "size as 32-bit floats", "bytes"),
                          field(key::kMacs, &S::macs, "multiply-accumulates per sample", "MACs"), field("layers", &S::layers, "layers in order"),
                          field(key::kTestAccuracy, &S::test_accuracy, "accuracy on the test split", "fraction of 1"),
                          field(key::kValAccuracy, &S::val_accuracy, "accuracy on the validation split", "fraction of 1"),
                          field(key::kEpochs, &S::epochs, "epochs trained", "epochs"), field("best_epoch", &S::best_epoch, "epoch whose weights were kept (1-based)"),
                          field("stopped_early", &S::stopped_early, "early stopping ended training"),
                          field("train_seconds", &S::train_seconds, "training time, wall clock", "s"),
                          field("distill", &S::distill, "distillation settings (the distilled student only)"),
                          field("members", &S::members, "the teachers of an ensemble")};
    }
};

struct PhaseResult {
    std::string phase;
    int epochs = 0;
    double test_accuracy = 0;
    static constexpr std::string_view kName = "PhaseResult", kDoc = "One fine-tuning phase of the compression stage";
    static auto fields() {
        using S = PhaseResult;
        return std::tuple{field("phase", &S::phase, "compress_joint, compress_channels, compress_prune, compress_cluster or compress_qat"),
                          field(key::kEpochs, &S::epochs, "epochs trained", "epochs"),
                          field(key::kTestAccuracy, &S::test_accuracy,
                                "test accuracy at the end of the phase, float weights (in QAT with fake-quantized activations)", "fraction of 1")};
    }
};

struct IntegerReference {
    double test_accuracy = 0;
    std::int64_t ops = 0, parameter_bytes = 0, activation_arena_bytes = 0;
    static constexpr std::string_view kName = "IntegerReference",
                                      kDoc = "The integer-only reference (int8 activations, int32 accumulators): what a device runs";
    static auto fields() {
        using S = IntegerReference;
        return std::tuple{field(key::kTestAccuracy, &S::test_accuracy, "integer reference's test accuracy", "fraction of 1"),
                          field(key::kOps, &S::ops, "integer ops"), field("parameter_bytes", &S::parameter_bytes, "weights and parameters", "bytes"),
                          field("activation_arena_bytes", &S::activation_arena_bytes, "peak activation memory", "bytes")};
    }
};

struct CompressedResult {
    std::string arch;
    std::vector<PhaseResult> phases;
    std::optional<std::map<std::string, std::array<std::int64_t, 2>>> channels;
    int bn_folded = 0;
    double test_accuracy = 0;
    std::optional<double> val_accuracy;
    std::int64_t bytes_deployed = 0, bytes_other = 0, params = 0;
    std::map<std::string, std::int64_t> bytes_by_layer;
    std::map<std::string, std::string> encoding_by_layer;
    std::map<std::string, int> clusters;
    std::optional<std::map<std::string, double>> sparsity_by_layer;  ///< absent in summaries written before it was kept
    double sparsity = 0;
    int weight_bits = 32, activation_bits = 32;
    std::string quantization = "none";
    std::optional<IntegerReference> integer;
    /// The accuracy every view and report quotes: the integer reference's when quantized (what runs on a board), else
    /// test_accuracy. Absent in summaries written before version 3; deployedAccuracy() derives it then.
    std::optional<double> deployed_test_accuracy;
    double deployedAccuracy() const { return deployed_test_accuracy.value_or(integer ? integer->test_accuracy : test_accuracy); }
    static constexpr std::string_view kName = "CompressedResult", kDoc = "The compressed student";
    static auto fields() {
        using S = CompressedResult;
        return std::tuple{
            field(key::kArch, &S::arch, "architecture id"), field("phases", &S::phases, "fine-tuning phases in order"),
            field("channels", &S::channels, "channel pruning: each layer's width before and after", "channels"),
            field("bn_folded", &S::bn_folded, "BatchNorm layers folded into the layer before", "layers"),
            field(key::kTestAccuracy, &S::test_accuracy,
                  "test accuracy of the float model with its weights rounded to the integer grid and fake-quantized activations", "fraction of 1"),
            field("deployed_test_accuracy", &S::deployed_test_accuracy,
                  "THE compressed model's accuracy: the integer-only reference's when quantized (what a board runs), else test_accuracy",
                  "fraction of 1"),
            field(key::kValAccuracy, &S::val_accuracy, "the same on the validation split", "fraction of 1"),
            field("bytes_deployed", &S::bytes_deployed, "weights in each layer's smallest encoding plus other parameters", "bytes"),
            field("bytes_other", &S::bytes_other, "BatchNorm and quantization parameters", "bytes"),
            field(key::kParams, &S::params, "parameters, zeros included", "parameters"),
            field("bytes_by_layer", &S::bytes_by_layer, "deployed bytes per layer", "bytes"),
            field("encoding_by_layer", &S::encoding_by_layer, "weight encoding per layer (dense, bitmask, codebook, ...)"),
            field("clusters", &S::clusters, "distinct non-zero weights per clustered layer", "clusters"),
            field("sparsity_by_layer", &S::sparsity_by_layer, "zero weights / weights, per compressible layer", "fraction of 1"),
            field("sparsity", &S::sparsity, "zeros among the compressible weights", "fraction of 1"),
            field(key::kWeightBits, &S::weight_bits, "weight width", "bits"), field("activation_bits", &S::activation_bits, "activation width", "bits"),
            field("quantization", &S::quantization, "none, ptq or qat"), field("integer", &S::integer, "integer-only reference (quantized runs)")};
    }
};

struct Ratios {
    double student_to_deployed = 0;
    std::optional<double> teacher_to_deployed;
    static constexpr std::string_view kName = "Ratios", kDoc = "How much smaller the deployed model is";
    static auto fields() {
        using S = Ratios;
        return std::tuple{field("student_to_deployed", &S::student_to_deployed, "fp32 student bytes / deployed bytes", "x"),
                          field("teacher_to_deployed", &S::teacher_to_deployed, "fp32 teacher bytes / deployed bytes", "x")};
    }
};

/// One op of the exported C model, as the device profile and the reports name it.
struct CExportLayer {
    std::string name, kind;
    std::int64_t macs = 0, weight_bytes = 0, output_elements = 0;
    std::optional<std::string> kernel = std::nullopt;  ///< layers with weights, since issue 21
    std::optional<std::string> encoding = std::nullopt;
    std::optional<std::string> reason = std::nullopt;
    std::optional<std::int64_t> fused_into = std::nullopt;  ///< since the fused residual sums: the sum's op index
    static constexpr std::string_view kName = "CExportLayer", kDoc = "One op of the exported C model, in execution order";
    static auto fields() {
        using S = CExportLayer;
        return std::tuple{field(key::kName, &S::name, "the model's layer name"), field("kind", &S::kind, "conv2d, fully_connected, max_pool2d, ..."),
                          field(key::kMacs, &S::macs, "multiply-accumulates per inference", "MACs"),
                          field("weight_bytes", &S::weight_bytes, "its weights in their encoding", "bytes"),
                          field("output_elements", &S::output_elements, "int8 values it writes", "values"),
                          field("kernel", &S::kernel, "layers with weights: the runtime kernel, dense (im2col or row by row) or sparse (the non-zero weights only)"),
                          field("encoding", &S::encoding, "layers with weights: how they are stored (weight_encoding.h)"),
                          field("reason", &S::reason, "layers with weights: why this encoding (the smallest, plain int8, the fastest, or smaller to fit --flash-budget)"),
                          field("fused_into", &S::fused_into,
                                "a convolution that runs the residual sum after it (that op's index): it writes the sum over the skip and has no output buffer of its own")};
    }
};

struct CExportResult {
    std::string dir;
    std::vector<std::string> files;
    std::int64_t flash_bytes = 0, weight_bytes = 0, arena_bytes = 0, scratch_bytes = 0, ops = 0, test_vectors = 0;
    std::map<std::string, std::string> encodings;
    bool softmax = false;
    int weight_bits = 8;
    double integer_test_accuracy = 0;
    std::optional<std::vector<CExportLayer>> layers;  ///< absent in summaries written before version 3
    static constexpr std::string_view kName = "CExportResult", kDoc = "The dependency-free C library";
    static auto fields() {
        using S = CExportResult;
        return std::tuple{field(key::kDir, &S::dir, "folder written"), field(key::kFiles, &S::files, "files written"),
                          field(key::kFlashBytes, &S::flash_bytes, "const data the model puts in flash", "bytes"),
                          field("weight_bytes", &S::weight_bytes, "weights in their encodings", "bytes"),
                          field(key::kArenaBytes, &S::arena_bytes, "static activation arena", "bytes"),
                          field("scratch_bytes", &S::scratch_bytes, "kernel scratch buffer", "bytes"), field("encodings", &S::encodings, "encoding per layer"),
                          field("softmax", &S::softmax, "the model ends in an int8 softmax"), field(key::kOps, &S::ops, "ops"),
                          field(key::kWeightBits, &S::weight_bits, "weight width", "bits"), field("test_vectors", &S::test_vectors, "test samples written", "samples"),
                          field("integer_test_accuracy", &S::integer_test_accuracy, "integer reference on those samples", "fraction of 1"),
                          field("layers", &S::layers, "each op, in execution order")};
    }
};

struct ModelFilesExportResult {
    std::string dir;
    std::map<std::string, std::string> files;
    std::map<std::string, std::int64_t> bytes;
    static constexpr std::string_view kName = "ModelFilesExportResult", kDoc = "TorchScript or ONNX files: the float student and the compressed model";
    static auto fields() {
        using S = ModelFilesExportResult;
        return std::tuple{field(key::kDir, &S::dir, "folder written"), field(key::kFiles, &S::files, "file per model"),
                          field("bytes", &S::bytes, "file size per model", "bytes")};
    }
};

struct ExportResults {
    std::optional<CExportResult> c;
    std::optional<ModelFilesExportResult> torchscript, onnx;
    static constexpr std::string_view kName = "ExportResults", kDoc = "The exports made, by format";
    static auto fields() {
        using S = ExportResults;
        return std::tuple{field("c", &S::c, "C for microcontrollers"), field("torchscript", &S::torchscript, "TorchScript"),
                          field("onnx", &S::onnx, "ONNX")};
    }
};

/// One op on a microcontroller: its mean count per inference beside the host's figures for it.
struct DeviceLayer {
    std::int64_t op = 0;
    std::string name, kind;
    std::int64_t count = 0;  ///< mean per inference over the samples, in the entry's count_unit
    std::int64_t macs = 0, weight_bytes = 0;
    std::optional<double> count_per_mac;
    static constexpr std::string_view kName = "DeviceLayer", kDoc = "One op's share of an inference on the device";
    static auto fields() {
        using S = DeviceLayer;
        return std::tuple{field("op", &S::op, "index in execution order"), field(key::kName, &S::name, "the model's layer name"),
                          field("kind", &S::kind, "conv2d, fully_connected, ..."),
                          field("count", &S::count, "mean per inference, in the entry's count_unit", "count_unit"),
                          field(key::kMacs, &S::macs, "multiply-accumulates", "MACs"), field("weight_bytes", &S::weight_bytes, "its weights", "bytes"),
                          field("count_per_mac", &S::count_per_mac, "count / macs (ops with MACs)", "count_unit per MAC")};
    }
};

/// A profile on a board: a microcontroller (emulated or real) or a Linux board over SSH.
/// Figures say what they are: `count_unit` is "instructions" on an emulator and "cycles" on a chip; `latency_ms` is a
/// measurement (cycles at the clock the core ran at, or wall-clock time), while an emulator's milliseconds are only
/// `latency_ms_estimate`, with the assumption in `latency_note`.
struct DeviceResult {
    std::string board, backend, counter;
    std::string measured_on;  ///< "board" or "emulator"
    std::optional<std::string> host;
    std::optional<std::string> count_unit;
    std::optional<std::int64_t> latency_count, latency_count_min, latency_count_max;
    std::optional<double> latency_ms, latency_ms_p90, latency_ms_p99, latency_ms_estimate;
    std::optional<std::string> latency_note;
    std::optional<double> energy_uj;
    std::optional<std::string> energy_note;
    std::optional<std::int64_t> clock_hz;
    std::optional<bool> clock_configured;
    std::optional<std::string> clock_note;
    std::int64_t flash_bytes = 0, ram_bytes = 0, arena_bytes = 0, samples = 0, identical = 0;
    std::vector<std::int64_t> mismatched_samples;
    std::optional<std::int64_t> stack_bytes, peak_rss_bytes;
    double accuracy = 0;
    std::vector<DeviceLayer> layers;
    std::optional<std::string> emulator, firmware, runner, console;
    static constexpr std::string_view kName = "DeviceResult", kDoc = "A profile of the compressed model on a board";
    static auto fields() {
        using S = DeviceResult;
        return std::tuple{
            field(key::kBoard, &S::board, "board id (resources/boards)"), field("backend", &S::backend, "qemu, dfu, stlink or ssh"),
            field("counter", &S::counter, "what measured the latency, and how"),
            field("measured_on", &S::measured_on, "board (the real part) or emulator (timings say nothing about the part's speed)"),
            field("host", &S::host, "SSH host (Linux boards)"),
            field("count_unit", &S::count_unit, "instructions (emulator) or cycles (chip): the unit of latency_count and layers[].count"),
            field("latency_count", &S::latency_count, "median per inference", "count_unit"),
            field("latency_count_min", &S::latency_count_min, "fewest per inference", "count_unit"),
            field("latency_count_max", &S::latency_count_max, "most per inference", "count_unit"),
            field("latency_ms", &S::latency_ms, "median per inference, measured", "ms"), field("latency_ms_p90", &S::latency_ms_p90, "90th percentile", "ms"),
            field("latency_ms_p99", &S::latency_ms_p99, "99th percentile", "ms"),
            field("latency_ms_estimate", &S::latency_ms_estimate, "median per inference, estimated from an emulator's count", "ms"),
            field("latency_note", &S::latency_note, "the assumption behind latency_ms_estimate, or what latency_ms measured"),
            field("energy_uj", &S::energy_uj, "energy per inference, estimated from the datasheet's run current", "uJ"),
            field("energy_note", &S::energy_note, "the datasheet figures and assumptions behind energy_uj"),
            field("clock_hz", &S::clock_hz, "core clock it ran at (on an emulator: the board's clock the estimates assume)", "Hz"),
            field("clock_configured", &S::clock_configured, "the board's clock set-up completed"),
            field("clock_note", &S::clock_note, "why the core stayed at its reset clock"),
            field(key::kFlashBytes, &S::flash_bytes, "firmware (or runner) size", "bytes"), field(key::kRamBytes, &S::ram_bytes, "RAM used", "bytes"),
            field(key::kArenaBytes, &S::arena_bytes, "activation arena", "bytes"), field("samples", &S::samples, "test samples run", "samples"),
            field("identical", &S::identical, "samples whose outputs equal the integer reference", "samples"),
            field("mismatched_samples", &S::mismatched_samples, "indices of the samples whose outputs differ (tinyforge-cli diff --sample)"),
            field("stack_bytes", &S::stack_bytes, "stack high-water mark", "bytes"), field("peak_rss_bytes", &S::peak_rss_bytes, "peak resident memory", "bytes"),
            field("accuracy", &S::accuracy, "accuracy of the device's outputs on those samples", "fraction of 1"),
            field("layers", &S::layers, "each op's count per inference (microcontrollers)"),
            field("emulator", &S::emulator, "the emulator and machine that ran it"),
            field("firmware", &S::firmware, "ELF file flashed"), field("runner", &S::runner, "runner binary uploaded"),
            field("console", &S::console, "how the firmware reported: uart or semihosting")};
    }
};

struct RunSummary {
    int schema_version = kSummarySchemaVersion;
    std::string recipe;
    std::uint64_t seed = 0;
    int threads = 0;
    DatasetSummary dataset;
    std::optional<ModelResult> teacher, student_scratch, student;
    std::optional<CompressedResult> compressed;
    std::optional<Ratios> ratios;
    std::map<std::string, double> timings;
    std::optional<ExportResults> exports;
    std::vector<DeviceResult> devices;
    static constexpr std::string_view kName = "RunSummary", kDoc = "summary.json: what a TinyForge run produced";
    static auto fields() {
        using S = RunSummary;
        return std::tuple{field("schema_version", &S::schema_version, "version of this format"), field("recipe", &S::recipe, "recipe name"),
                          field("seed", &S::seed, "the recipe's seed"), field("threads", &S::threads, "LibTorch intra-op threads", "threads"),
                          field("dataset", &S::dataset, "the dataset"), field("teacher", &S::teacher, "the teacher, or the teachers' ensemble"),
                          field("student_scratch", &S::student_scratch, "the student trained from labels alone"),
                          field("student", &S::student, "the distilled student"), field("compressed", &S::compressed, "the compressed student"),
                          field("ratios", &S::ratios, "size ratios"), field("timings", &S::timings, "wall-clock time per stage", "s"),
                          field("export", &S::exports, "exports"), field("devices", &S::devices, "device profiles, one per board and backend")};
    }

    /// The model the run hands on: the distilled student, or the scratch one when distillation was off.
    const ModelResult* finalStudent() const { return student ? &*student : student_scratch ? &*student_scratch : nullptr; }
};

/// What a run's model needs on a part, and where the figures come from.
struct DeviceNeeds {
    std::int64_t flashBytes = 0;  ///< constant data in flash
    std::int64_t ramBytes = 0;    ///< activation arena and kernel scratch
    std::string source;           ///< "c export" (measured from the generated C), "compression" (counted), or "" (nothing yet)
};

/// The C export's flash and arena + scratch when the run has one, else the compressed model's deployed bytes and its
/// integer reference's arena; zeros when the run has no compressed model.
DeviceNeeds deviceNeeds(const RunSummary& summary);

/// summary.json as JSON.
nlohmann::json toJson(const RunSummary& summary);

/// A summary from JSON; throws contract::ContractError naming the field for a missing schema_version, a newer
/// version than this studio reads, a missing field or a wrong type.
RunSummary summaryFromJson(const nlohmann::json& json);

/// The JSON Schema (draft 2020-12) of summary.json, generated from the structs above.
nlohmann::json summarySchema();

}  // namespace tinyforge::core::results
