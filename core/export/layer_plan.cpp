#include "core/export/layer_plan.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace tinyforge::core::exporting {

namespace {

using quantized::IntModel;
using quantized::IntOp;
using quantized::IntOpKind;

// Output pixels the im2col convolution gathers per pass over its filters, a multiple of its four lanes: four for
// plain int8 weights (read in place), more when each filter must be decoded, so a decode serves more pixels.
constexpr std::int64_t kPlainBlock = 4, kDecodedBlock = 8;
// Plain int8 layers at most this dense run the sparse kernel: the im2col kernel costs about 1.4 emulated
// instructions per multiply-accumulate, the sparse one about 2.5 per non-zero weight's (qemu-kernel-bench).
constexpr double kSparseDensity = 0.4;
// RAM the sparse convolution's line buffer may take; bands of output rows are as tall as fits.
constexpr std::int64_t kSparseLineBudget = 8192;

bool readInPlace(const EncodedWeights& w) { return w.encoding == "dense" && w.weightBits == 8; }

std::int64_t nonzeros(const IntOp& op) { return std::count_if(op.weights.begin(), op.weights.end(), [](std::int8_t w) { return w != 0; }); }

struct Shape {
    std::int64_t rows = 0, length = 0, outputs = 0, pixels = 1, outH = 1;
};

Shape shapeOf(const IntModel& model, const IntOp& op) {
    Shape s;
    s.rows = op.weightShape[0];
    s.length = static_cast<std::int64_t>(op.weights.size()) / s.rows;
    const auto& out = model.tensors[static_cast<std::size_t>(op.output)];
    s.outputs = out.elements();
    if (op.kind == IntOpKind::Conv2d) {
        s.outH = out.shape[1];
        s.pixels = out.shape[1] * out.shape[2];
    }
    return s;
}

// The sparse convolution's line buffer and band height for an op; block 0 when it cannot run it (a stride other than
// 1 or 2, or offsets beyond 16 bits).
LayerChoice sparseConvolution(const IntModel& model, const IntOp& op) {
    LayerChoice c;
    if (op.strideW < 1 || op.strideW > 2) return c;
    const auto& out = model.tensors[static_cast<std::size_t>(op.output)];
    const std::int64_t inPerGroup = op.weightShape[1], kernelH = op.weightShape[2], kernelW = op.weightShape[3];
    const std::int64_t outH = out.shape[1], outW = out.shape[2];
    c.lineW = (((outW + 3) & ~3ll) - 1) * op.strideW + kernelW + 4;  // TF_SPARSE_LINE_W
    const auto lineBytes = [&](std::int64_t rows) { return inPerGroup * (kernelH + (rows - 1) * op.strideH) * c.lineW; };
    if (lineBytes(1) >= 65536) return {};
    c.block = 1;
    while (c.block < outH && lineBytes(c.block + 1) <= kSparseLineBudget) ++c.block;
    c.bandRows = kernelH + (c.block - 1) * op.strideH;  // TF_SPARSE_BAND_ROWS
    c.sparse = true;
    return c;
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

// Estimated instructions to decode one row: per weight for dense symbols, per stored entry for the sparse layouts.
double rowDecode(const EncodedWeights& w, std::int64_t length, double nonzerosPerRow, std::int64_t rows) {
    if (readInPlace(w)) return 4.0 * static_cast<double>(length);
    if (w.layout == WeightLayout::Dense) return 12.0 * static_cast<double>(length);
    if (w.layout == WeightLayout::Bitmask) return 3.0 * static_cast<double>(length) / 8.0 + 15.0 * nonzerosPerRow;
    return 25.0 * static_cast<double>(w.entries) / static_cast<double>(rows);
}

// Estimated emulated instructions of the op run as `choice` says (the costs measured in docs/results.md).
double estimate(const IntModel& model, const IntOp& op, const LayerChoice& choice) {
    const Shape s = shapeOf(model, op);
    const double macs = static_cast<double>(model.opMacs(op)), nz = static_cast<double>(nonzeros(op));
    const double decodeRow = rowDecode(choice.weights, s.length, nz / static_cast<double>(s.rows), s.rows);
    const double requantize = 15.0 * static_cast<double>(s.outputs);
    if (op.kind == IntOpKind::FullyConnected) {
        if (choice.sparse) return 6.0 * nz + decodeRow * static_cast<double>(s.rows) + requantize;
        return macs + (readInPlace(choice.weights) ? 0.0 : decodeRow * static_cast<double>(s.rows)) + requantize;
    }
    if (choice.sparse) {
        const double bands = std::ceil(static_cast<double>(s.outH) / static_cast<double>(choice.block));
        return 2.5 * nz * static_cast<double>(s.pixels) + decodeRow * static_cast<double>(s.rows) * bands + requantize;
    }
    const double blocks = std::ceil(static_cast<double>(s.pixels) / static_cast<double>(choice.block));
    return 1.4 * macs + (readInPlace(choice.weights) ? 0.0 : decodeRow * static_cast<double>(s.rows) * blocks) + requantize;
}

// The op stored as `encoding` ("smallest" for the smallest), with the kernel that runs it fastest.
LayerChoice choose(const IntModel& model, const IntOp& op, const std::string& encoding) {
    const auto smallestOf = [&](const std::vector<std::int8_t>& w) {
        return encoding == "smallest" ? encodeSmallest(w, model.weightBits) : encodeWeights(w, encoding == "dense" ? 8 : model.weightBits, encoding);
    };
    LayerChoice sparse = op.kind == IntOpKind::Conv2d ? sparseConvolution(model, op) : LayerChoice{};
    if (op.kind == IntOpKind::FullyConnected) sparse.sparse = true;
    LayerChoice dense;
    dense.block = kPlainBlock;
    dense.weights = smallestOf(inKernelOrder(op));
    if (!readInPlace(dense.weights)) dense.block = kDecodedBlock;
    dense.instructions = estimate(model, op, dense);
    if (!sparse.sparse) return dense;
    sparse.weights = smallestOf(op.weights);
    sparse.instructions = estimate(model, op, sparse);
    // Plain int8 runs sparse only when mostly zero; encoded weights always (the im2col kernel would decode each filter
    // for every block of pixels).
    const double density = op.weights.empty() ? 1.0 : static_cast<double>(nonzeros(op)) / static_cast<double>(op.weights.size());
    const bool runSparse = readInPlace(sparse.weights) ? density <= kSparseDensity : true;
    return runSparse ? sparse : dense;
}

}  // namespace

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

std::vector<std::optional<LayerChoice>> planLayers(const IntModel& model, WeightStorage storage, std::optional<std::int64_t> weightBudget) {
    std::vector<std::optional<LayerChoice>> plan(model.ops.size());
    std::vector<std::vector<LayerChoice>> options(model.ops.size());  // under a budget: each layer's choices, fastest first
    std::int64_t bytes = 0;
    for (std::size_t i = 0; i < model.ops.size(); ++i) {
        const auto& op = model.ops[i];
        if (op.kind != IntOpKind::Conv2d && op.kind != IntOpKind::FullyConnected) continue;
        if (!weightBudget) {
            LayerChoice c = choose(model, op, storage == WeightStorage::Dense ? "dense" : "smallest");
            c.reason = storage == WeightStorage::Dense ? "plain int8 (--weights dense)" : "the smallest encoding";
            plan[i] = c;
            continue;
        }
        for (const std::string encoding : {"dense", "bitmask", "smallest"}) options[i].push_back(choose(model, op, encoding));
        std::sort(options[i].begin(), options[i].end(), [](const LayerChoice& a, const LayerChoice& b) { return a.instructions < b.instructions; });
        plan[i] = options[i].front();
        plan[i]->reason = "the fastest encoding";
        bytes += plan[i]->weights.bytes();
    }
    if (!weightBudget) return plan;
    std::int64_t smallest = 0;
    for (std::size_t i = 0; i < options.size(); ++i) {
        if (options[i].empty()) continue;
        std::int64_t least = options[i].front().weights.bytes();
        for (const auto& c : options[i]) least = std::min(least, c.weights.bytes());
        smallest += least;
    }
    if (smallest > *weightBudget) {
        throw Error("C export: the weights need at least " + std::to_string(smallest) + " bytes in their smallest encodings, more than the " +
                    std::to_string(*weightBudget) + " the flash budget leaves them");
    }
    // Move the layer whose next smaller choice adds the fewest instructions per byte saved, until the weights fit.
    while (bytes > *weightBudget) {
        std::size_t bestLayer = 0;
        const LayerChoice* bestChoice = nullptr;
        double bestCost = 0;
        for (std::size_t i = 0; i < options.size(); ++i) {
            for (const auto& c : options[i]) {
                const std::int64_t saved = plan[i]->weights.bytes() - c.weights.bytes();
                if (saved <= 0) continue;
                const double cost = (c.instructions - plan[i]->instructions) / static_cast<double>(saved);
                if (!bestChoice || cost < bestCost) {
                    bestLayer = i;
                    bestChoice = &c;
                    bestCost = cost;
                }
            }
        }
        bytes -= plan[bestLayer]->weights.bytes() - bestChoice->weights.bytes();
        plan[bestLayer] = *bestChoice;
        plan[bestLayer]->reason = "smaller, to fit the flash budget";
    }
    return plan;
}

}  // namespace tinyforge::core::exporting
