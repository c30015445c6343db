#include "core/export/c_export.h"

#include <algorithm>
#include <cstdio>
#include <regex>
#include <sstream>

#include "core/error.h"
#include "core/export/memory_plan.h"
#include "core/export/weight_encoding.h"
#include "core/io/file_bytes.h"
#include "core/resources.h"

namespace tinyforge::core::exporting {

namespace {

using quantized::IntModel;
using quantized::IntOp;
using quantized::IntOpKind;

// Sizes of the op descriptors on a 32-bit target: int32 fields and 4-byte pointers.
constexpr std::int64_t kConvDescriptorBytes = 19 * 4 + 5 * 4;
constexpr std::int64_t kDenseDescriptorBytes = 7 * 4 + 5 * 4;
constexpr std::int64_t kPoolDescriptorBytes = 13 * 4;
constexpr std::int64_t kAveragePoolDescriptorBytes = 17 * 4;
constexpr std::int64_t kGlobalAverageDescriptorBytes = 9 * 4;
constexpr std::int64_t kAddDescriptorBytes = 14 * 4;
constexpr std::int64_t kSoftmaxDescriptorBytes = 2 * 4;

// Output pixels a convolution gathers per pass over its filters, a multiple of the DSP kernel's four lanes: four for
// plain int8 weights (read in place), more when each filter must be decoded, so the decoding is shared by more pixels.
constexpr std::int64_t kPlainBlock = 4, kDecodedBlock = 8;

// Which kernel runs a layer (tf_kernels.h). Plain int8 weights are read in place by the im2col kernel at about 1.4
// emulated instructions per multiply-accumulate; the sparse kernel spends about 2.5 per non-zero weight's
// multiply-accumulate, so it wins below about 40% non-zeros (qemu-kernel-bench on ResNet-8's layers). Encoded weights
// (codebooks, bitmasks, relative indices, fewer bits) cost the im2col kernel a decode of every filter for every
// block of pixels, far more than the sparse kernel's decode once per band of rows, so they always run sparse.
constexpr double kSparseDensity = 0.4;
// RAM the sparse convolution's line buffer may take; bands of output rows are as tall as fits.
constexpr std::int64_t kSparseLineBudget = 8192;

double density(const IntOp& op) {
    const auto nonzero = std::count_if(op.weights.begin(), op.weights.end(), [](std::int8_t w) { return w != 0; });
    return op.weights.empty() ? 1.0 : static_cast<double>(nonzero) / static_cast<double>(op.weights.size());
}

// How the sparse convolution would run an op: its line buffer's width and the output rows of a band (0: it cannot,
// the stride is not 1 or 2 or its offsets would not fit 16 bits).
struct SparsePlan {
    std::int64_t lineW = 0, bandRows = 0, block = 0;
};

SparsePlan sparsePlan(const IntOp& op, const quantized::IntTensor& out) {
    SparsePlan plan;
    if (op.strideW < 1 || op.strideW > 2) return plan;
    const std::int64_t inPerGroup = op.weightShape[1], kernelH = op.weightShape[2], kernelW = op.weightShape[3];
    const std::int64_t outH = out.shape[1], outW = out.shape[2];
    plan.lineW = (((outW + 3) & ~3ll) - 1) * op.strideW + kernelW + 4;  // TF_SPARSE_LINE_W
    const auto lineBytes = [&](std::int64_t rows) { return inPerGroup * (kernelH + (rows - 1) * op.strideH) * plan.lineW; };
    if (lineBytes(1) >= 65536) return {};
    plan.block = 1;
    while (plan.block < outH && lineBytes(plan.block + 1) <= kSparseLineBudget) ++plan.block;
    plan.bandRows = kernelH + (plan.block - 1) * op.strideH;  // TF_SPARSE_BAND_ROWS
    return plan;
}

// The op's weights with each row (one output channel's filter) in the runtime's kernel order.
std::vector<std::int8_t> inKernelOrder(const IntOp& op) {
    const std::int64_t rows = op.weightShape[0];
    const std::int64_t length = static_cast<std::int64_t>(op.weights.size()) / rows;
    const std::int64_t kernelW = op.kind == IntOpKind::Conv2d ? op.weightShape[3] : 0;
    std::vector<std::int8_t> stored(op.weights.size());
    for (std::int64_t r = 0; r < rows; ++r) {
        for (std::int64_t i = 0; i < length; ++i) {
            stored[static_cast<std::size_t>(r * length + i)] = op.weights[static_cast<std::size_t>(r * length + kernelOrderTap(length, kernelW, i))];
        }
    }
    return stored;
}

bool readInPlace(const EncodedWeights& w) { return w.encoding == "dense" && w.weightBits == 8; }

std::string floatLiteral(float value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.9gf", static_cast<double>(value));
    std::string s = text;
    if (s.find_first_of(".eEn") == std::string::npos) s.insert(s.size() - 1, ".0");  // "1f" is not a C float literal
    return s;
}

template <typename T>
void writeArray(std::ostream& out, const char* type, const std::string& name, const std::vector<T>& values) {
    out << "static const " << type << " " << name << "[" << values.size() << "] = {";
    for (std::size_t i = 0; i < values.size(); ++i) {
        out << (i % 20 == 0 ? "\n    " : " ") << static_cast<std::int64_t>(values[i]) << (i + 1 < values.size() ? "," : "");
    }
    out << "\n};\n";
}

class SourceWriter {
public:
    SourceWriter(const IntModel& model, const MemoryPlan& plan, const COptions& options)
        : model_(model), plan_(plan), prefix_(options.prefix), storage_(options.weights) {}

    std::string source() {
        std::ostringstream body;
        std::ostringstream calls;
        for (std::size_t i = 0; i < model_.ops.size(); ++i) {
            emitOp(body, calls, i, model_.ops[i]);
            const auto& op = model_.ops[i];
            calls << "    PROFILE(" << i << ", " << bufferOf(op.output) << ", " << tensor(op.output).elements() << ");\n";
        }
        std::ostringstream out;
        out << "/* Generated by TinyForge Studio from " << model_.arch << ": integer-only inference, "
            << model_.ops.size() << " ops. Do not edit; export again. */\n"
            << "#include <math.h>\n\n#include \"" << prefix_ << ".h\"\n#include \"tf_kernels.h\"\n\n"
            << "/* Built with -D" << upper() << "_PROFILE, the model calls " << prefix_
            << "_profile(op, output, elements) after each op with the\n * op's index and output: profilers time ops with it, debuggers read every layer. */\n"
            << "#ifdef " << upper() << "_PROFILE\nvoid " << prefix_ << "_profile(int32_t op, const int8_t *output, int32_t elements);\n"
            << "#define PROFILE(op, output, elements) " << prefix_ << "_profile(op, output, elements)\n#else\n"
            << "#define PROFILE(op, output, elements)\n#endif\n"
            << "\n/* Working memory of the kernels: im2col columns, a widened input, decoded filters (word aligned). */\n"
            << "static int32_t scratch_words[(" << upper() << "_SCRATCH_BYTES + 3) / 4];\n"
            << "#define scratch ((int16_t *)scratch_words)\n" << body.str()
            << "\n/* Activations: one static arena; buffers reuse it once their readers are done. */\n"
            << "static int32_t arena_words[(" << upper() << "_ARENA_BYTES + 3) / 4];\n\n"
            << "void " << prefix_ << "_run(const int8_t *input, int8_t *output) {\n"
            << "    int8_t *arena = (int8_t *)arena_words;\n    int32_t i;\n" << calls.str()
            << "    for (i = 0; i < " << upper() << "_OUTPUT_SIZE; ++i) output[i] = " << bufferOf(model_.output) << "[i];\n}\n\n"
            << "void " << prefix_ << "_quantize_input(const float *sample, int8_t *input) {\n"
            << "    int32_t i;\n    for (i = 0; i < " << upper() << "_INPUT_SIZE; ++i) {\n"
            << "        float level = roundf(sample[i] / " << upper() << "_INPUT_SCALE) + (float)" << upper() << "_INPUT_ZERO_POINT;\n"
            << "        input[i] = (int8_t)(level < " << inputParams().qmin << ".0f ? " << inputParams().qmin << ".0f : (level > "
            << inputParams().qmax << ".0f ? " << inputParams().qmax << ".0f : level));\n    }\n}\n";
        return out.str();
    }

    std::string header() const {
        const auto& in = model_.tensors[static_cast<std::size_t>(model_.input)];
        const auto& out = model_.tensors[static_cast<std::size_t>(model_.output)];
        const std::string u = upper();
        std::ostringstream h;
        h << "/* Generated by TinyForge Studio from " << model_.arch << ". Do not edit; export again. */\n"
          << "#ifndef " << u << "_H\n#define " << u << "_H\n\n#include <stdint.h>\n\n"
          << "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n"
          << "#define " << u << "_INPUT_SIZE " << in.elements() << "\n"
          << "#define " << u << "_OUTPUT_SIZE " << out.elements() << "\n"
          << "/* Ops run per inference; " << u << "_PROFILE builds report each by its index. */\n#define " << u << "_OP_COUNT "
          << model_.ops.size() << "\n"
          << "/* Bytes of the static activation arena (RAM). */\n#define " << u << "_ARENA_BYTES " << plan_.arenaBytes << "\n"
          << "/* Bytes of the kernels' scratch: im2col columns and decoded filters (RAM, besides the arena). */\n#define " << u
          << "_SCRATCH_BYTES " << scratchBytes() << "\n"
          << "/* Bytes of constant data (flash): weights, biases, requantization tables, op descriptors. */\n"
          << "#define " << u << "_FLASH_BYTES " << flashBytes_ << "\n"
          << "#define " << u << "_WEIGHT_BITS " << model_.weightBits << "\n"
          << "/* real = scale * (q - zero_point) */\n"
          << "#define " << u << "_INPUT_SCALE " << floatLiteral(in.params.scale) << "\n"
          << "#define " << u << "_INPUT_ZERO_POINT " << in.params.zeroPoint << "\n"
          << "#define " << u << "_OUTPUT_SCALE " << floatLiteral(out.params.scale) << "\n"
          << "#define " << u << "_OUTPUT_ZERO_POINT " << out.params.zeroPoint << "\n\n"
          << "/* One inference: input holds " << u << "_INPUT_SIZE int8 values on the input grid, output receives\n"
          << " * " << u << "_OUTPUT_SIZE int8 logits (the largest is the predicted class). Not reentrant: one arena. */\n"
          << "void " << prefix_ << "_run(const int8_t *input, int8_t *output);\n\n"
          << "/* Quantizes one sample, normalised as in training, onto the input grid (round half away, clamp). */\n"
          << "void " << prefix_ << "_quantize_input(const float *sample, int8_t *input);\n\n"
          << "#ifdef __cplusplus\n}\n#endif\n\n#endif\n";
        return h.str();
    }

    std::int64_t flashBytes() const { return flashBytes_; }
    std::int64_t weightBytes() const { return weightBytes_; }
    std::int64_t scratchBytes() const { return 2 * std::max<std::int64_t>(1, scratchValues_); }
    const std::vector<CLayerWeights>& layers() const { return layers_; }

private:
    std::string upper() const {
        std::string u = prefix_;
        for (auto& ch : u) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        return u;
    }
    const compress::QuantParams& inputParams() const { return model_.tensors[static_cast<std::size_t>(model_.input)].params; }
    const quantized::IntTensor& tensor(int id) const { return model_.tensors[static_cast<std::size_t>(id)]; }

    std::string bufferOf(int id) const {
        if (id == model_.input) return "input";
        return "(arena + " + std::to_string(plan_.offsets[static_cast<std::size_t>(id)]) + ")";
    }

    // The encoded weights, biases and requantization tables of a conv or dense op; returns the weights. Rows stay in
    // PyTorch's order for the sparse kernels, else go in kernel order.
    EncodedWeights emitWeightTables(std::ostream& out, const std::string& name, const IntOp& op, bool sparse) {
        std::vector<std::int32_t> multipliers;
        std::vector<std::int32_t> shifts;
        for (const auto& m : op.multipliers) {
            multipliers.push_back(m.multiplier);
            shifts.push_back(m.shift);
        }
        const auto stored = sparse ? op.weights : inKernelOrder(op);
        EncodedWeights weights = storage_ == WeightStorage::Dense ? encodeWeights(stored, 8, "dense")
                                                                  : encodeSmallest(stored, model_.weightBits);
        out << cDefinition(weights, name + "_weights");
        writeArray(out, "int32_t", name + "_bias", op.bias);
        writeArray(out, "int32_t", name + "_multiplier", multipliers);
        writeArray(out, "int8_t", name + "_shift", shifts);
        weightBytes_ += weights.bytes();
        layers_.push_back({op.name, weights.encoding, weights.bytes(), sparse ? "sparse" : "dense"});
        flashBytes_ += weights.bytes() + kWeightsDescriptorBytes + static_cast<std::int64_t>(4 * op.bias.size() + 5 * multipliers.size());
        return weights;
    }

    void emitOp(std::ostream& body, std::ostream& calls, std::size_t index, const IntOp& op) {
        const std::string name = "op" + std::to_string(index);
        const auto& in = tensor(op.input);
        const auto& out = tensor(op.output);
        body << "\n/* " << op.name << ": " << quantized::opKindId(op.kind) << " */\n";
        switch (op.kind) {
            case IntOpKind::Conv2d: {
                const SparsePlan plan = sparsePlan(op, out);
                const bool encoded = !(storage_ == WeightStorage::Dense || readInPlace(encodeSmallest(op.weights, model_.weightBits)));
                const bool sparse = plan.block > 0 && (encoded || density(op) <= kSparseDensity);
                const auto weights = emitWeightTables(body, name, op, sparse);
                const std::int64_t length = op.weightShape[1] * op.weightShape[2] * op.weightShape[3];
                std::int64_t block = readInPlace(weights) ? kPlainBlock : kDecodedBlock;
                if (sparse) {  // TF_CONV2D_SPARSE_SCRATCH
                    block = plan.block;
                    scratchValues_ = std::max(scratchValues_, (op.weightShape[1] * plan.bandRows * plan.lineW + 8) / 2 + 2 * length + 2);
                } else {
                    scratchValues_ = std::max(scratchValues_, block * ((length + 1) & ~1) + length + 2);  // TF_CONV2D_SCRATCH
                }
                body << "static const tf_conv2d_params " << name << " = {" << in.shape[0] << ", " << in.shape[1] << ", "
                     << in.shape[2] << ", " << out.shape[0] << ", " << out.shape[1] << ", " << out.shape[2] << ", "
                     << op.weightShape[2] << ", " << op.weightShape[3] << ", " << op.strideH << ", " << op.strideW << ", "
                     << op.padH << ", " << op.padW << ", " << op.groups << ", " << in.params.zeroPoint << ", "
                     << out.params.zeroPoint << ", " << op.activationMin << ", " << op.activationMax << ", " << block << ", " << (sparse ? 1 : 0)
                     << ", &" << name << "_weights, " << name << "_bias, " << name << "_multiplier, " << name << "_shift, scratch};\n";
                flashBytes_ += kConvDescriptorBytes;
                calls << "    tf_conv2d(&" << name << ", " << bufferOf(op.input) << ", " << bufferOf(op.output) << ");\n";
                break;
            }
            case IntOpKind::FullyConnected: {
                const bool encoded = !(storage_ == WeightStorage::Dense || readInPlace(encodeSmallest(op.weights, model_.weightBits)));
                const bool sparse = encoded || density(op) <= kSparseDensity;
                emitWeightTables(body, name, op, sparse);
                scratchValues_ = std::max(scratchValues_, 2 * in.elements() + 2);  // TF_FULLY_CONNECTED_SCRATCH
                body << "static const tf_fully_connected_params " << name << " = {" << in.elements() << ", " << out.elements()
                     << ", " << in.params.zeroPoint << ", " << out.params.zeroPoint << ", " << op.activationMin << ", "
                     << op.activationMax << ", " << (sparse ? 1 : 0) << ", &" << name << "_weights, " << name << "_bias, " << name << "_multiplier, "
                     << name << "_shift, scratch};\n";
                flashBytes_ += kDenseDescriptorBytes;
                calls << "    tf_fully_connected(&" << name << ", " << bufferOf(op.input) << ", " << bufferOf(op.output) << ");\n";
                break;
            }
            case IntOpKind::MaxPool2d:
                body << "static const tf_max_pool2d_params " << name << " = {" << in.shape[0] << ", " << in.shape[1] << ", "
                     << in.shape[2] << ", " << out.shape[1] << ", " << out.shape[2] << ", " << op.kernelH << ", " << op.kernelW
                     << ", " << op.strideH << ", " << op.strideW << ", " << op.padH << ", " << op.padW << ", "
                     << op.activationMin << ", " << op.activationMax << "};\n";
                flashBytes_ += kPoolDescriptorBytes;
                calls << "    tf_max_pool2d(&" << name << ", " << bufferOf(op.input) << ", " << bufferOf(op.output) << ");\n";
                break;
            case IntOpKind::GlobalAvgPool:
                body << "static const tf_global_avg_pool_params " << name << " = {" << in.shape[0] << ", " << in.shape[1]
                     << ", " << in.shape[2] << ", " << in.params.zeroPoint << ", " << out.params.zeroPoint << ", "
                     << op.activationMin << ", " << op.activationMax << ", " << op.outputMultiplier.multiplier << ", "
                     << op.outputMultiplier.shift << "};\n";
                flashBytes_ += kGlobalAverageDescriptorBytes;
                calls << "    tf_global_avg_pool(&" << name << ", " << bufferOf(op.input) << ", " << bufferOf(op.output) << ");\n";
                break;
            case IntOpKind::AvgPool2d:
                body << "static const tf_avg_pool2d_params " << name << " = {" << in.shape[0] << ", " << in.shape[1] << ", "
                     << in.shape[2] << ", " << out.shape[1] << ", " << out.shape[2] << ", " << op.kernelH << ", " << op.kernelW
                     << ", " << op.strideH << ", " << op.strideW << ", " << op.padH << ", " << op.padW << ", "
                     << in.params.zeroPoint << ", " << out.params.zeroPoint << ", " << op.activationMin << ", "
                     << op.activationMax << ", " << op.outputMultiplier.multiplier << ", " << op.outputMultiplier.shift << "};\n";
                flashBytes_ += kAveragePoolDescriptorBytes;
                calls << "    tf_avg_pool2d(&" << name << ", " << bufferOf(op.input) << ", " << bufferOf(op.output) << ");\n";
                break;
            case IntOpKind::Softmax:
                writeArray(body, "uint16_t", name + "_exp", op.expTable);
                body << "static const tf_softmax_params " << name << " = {" << out.elements() << ", " << name << "_exp};\n";
                flashBytes_ += kSoftmaxDescriptorBytes + 2 * static_cast<std::int64_t>(op.expTable.size());
                calls << "    tf_softmax(&" << name << ", " << bufferOf(op.input) << ", " << bufferOf(op.output) << ");\n";
                break;
            case IntOpKind::Add: {
                const auto& b = tensor(op.input2);
                body << "static const tf_add_params " << name << " = {" << out.elements() << ", " << op.leftShift << ", "
                     << in.params.zeroPoint << ", " << b.params.zeroPoint << ", " << out.params.zeroPoint << ", "
                     << op.activationMin << ", " << op.activationMax << ", " << op.inputMultiplier.multiplier << ", "
                     << op.inputMultiplier.shift << ", " << op.input2Multiplier.multiplier << ", " << op.input2Multiplier.shift
                     << ", " << op.outputMultiplier.multiplier << ", " << op.outputMultiplier.shift << ", scratch};\n";
                scratchValues_ = std::max<std::int64_t>(scratchValues_, 1024);  // TF_ADD_SCRATCH
                flashBytes_ += kAddDescriptorBytes;
                calls << "    tf_add(&" << name << ", " << bufferOf(op.input) << ", " << bufferOf(op.input2) << ", "
                      << bufferOf(op.output) << ");\n";
                break;
            }
        }
    }

    const IntModel& model_;
    const MemoryPlan& plan_;
    std::string prefix_;
    WeightStorage storage_;
    std::int64_t flashBytes_ = 0, weightBytes_ = 0, scratchValues_ = 0;
    std::vector<CLayerWeights> layers_;
};

void writeText(const std::filesystem::path& file, const std::string& text) { io::writeFileAtomically(file, text.data(), text.size()); }

}  // namespace

const std::vector<std::string>& runtimeFiles() {
    static const std::vector<std::string> files{"tf_kernels.h", "tf_kernels_internal.h", "tf_kernels.c", "tf_kernels_dsp.c"};
    return files;
}

const std::vector<std::string>& runtimeSources() {
    static const std::vector<std::string> files{"tf_kernels.c", "tf_kernels_dsp.c"};
    return files;
}

std::int64_t kernelOrderTap(std::int64_t length, std::int64_t kernelW, std::int64_t i) {
    // The slot of stored position i: in each whole group of four, the middle two are swapped (SXTB16's pairing).
    std::int64_t slot = i;
    if (i < (length & ~3ll) && (i & 3) != 0 && (i & 3) != 3) slot = i ^ 3;
    if (kernelW != 3) return slot;
    // Two rows r, s of three taps become the slots r0 r2 s0 s2 r1 s1; an odd last row r0 r2 r1.
    static constexpr int pairRow[6] = {0, 0, 1, 1, 0, 1}, pairX[6] = {0, 2, 0, 2, 1, 1}, lastX[3] = {0, 2, 1};
    const std::int64_t rows = length / 3, pairs = rows / 2;
    if (slot < 6 * pairs) return (2 * (slot / 6) + pairRow[slot % 6]) * 3 + pairX[slot % 6];
    return (rows - 1) * 3 + lastX[slot - 6 * pairs];
}

CExport exportC(const IntModel& model, const std::filesystem::path& dir, const COptions& options) {
    const std::string& prefix = options.prefix;
    if (!std::regex_match(prefix, std::regex("[A-Za-z_][A-Za-z0-9_]{0,40}")) || prefix == "tf_kernels") {
        throw Error("C export: '" + prefix + "' is not a usable C identifier for the model");
    }
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) throw Error("C export: cannot create " + dir.string() + ": " + ec.message());
    const MemoryPlan plan = planMemory(model);
    SourceWriter writer(model, plan, options);
    const std::string source = writer.source();  // counts the bytes the header states
    CExport result;
    result.arenaBytes = plan.arenaBytes;
    result.flashBytes = writer.flashBytes();
    result.weightBytes = writer.weightBytes();
    result.scratchBytes = writer.scratchBytes();
    result.layers = writer.layers();
    writeText(dir / (prefix + ".h"), writer.header());
    writeText(dir / (prefix + ".c"), source);
    result.files = {dir / (prefix + ".h"), dir / (prefix + ".c")};
    for (const auto& runtime : runtimeFiles()) {
        const auto from = resourceDir() / "c_runtime" / runtime;
        const std::string text = io::readTextFile(from);
        writeText(dir / runtime, text);
        result.files.push_back(dir / runtime);
    }
    return result;
}

}  // namespace tinyforge::core::exporting
