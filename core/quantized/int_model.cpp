#include "core/quantized/int_model.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/quantized/int_kernels.h"

namespace tinyforge::core::quantized {

std::int64_t IntTensor::elements() const {
    std::int64_t n = 1;
    for (const auto d : shape) n *= d;
    return n;
}

const char* opKindId(IntOpKind kind) {
    switch (kind) {
        case IntOpKind::Conv2d: return "conv2d";
        case IntOpKind::FullyConnected: return "fully_connected";
        case IntOpKind::MaxPool2d: return "max_pool2d";
        case IntOpKind::GlobalAvgPool: return "global_avg_pool";
        case IntOpKind::Add: return "add";
        case IntOpKind::AvgPool2d: return "avg_pool2d";
        case IntOpKind::Softmax: return "softmax";
    }
    return "unknown";
}

std::vector<std::int8_t> IntModel::quantizeInput(std::span<const float> sample) const {
    const IntTensor& in = tensors.at(static_cast<std::size_t>(input));
    if (static_cast<std::int64_t>(sample.size()) != in.elements()) {
        throw Error("the integer model takes " + std::to_string(in.elements()) + " values per sample, got " +
                    std::to_string(sample.size()));
    }
    std::vector<std::int8_t> q(sample.size());
    const auto& p = in.params;
    for (std::size_t i = 0; i < sample.size(); ++i) {
        // Float division, as the fake-quantized training graph divides.
        const float level = std::round(sample[i] / p.scale) + static_cast<float>(p.zeroPoint);
        q[i] = static_cast<std::int8_t>(std::clamp(level, static_cast<float>(p.qmin), static_cast<float>(p.qmax)));
    }
    return q;
}

std::vector<std::vector<std::int8_t>> IntModel::runLayers(std::span<const std::int8_t> sample) const {
    std::vector<std::vector<std::int8_t>> buffers(tensors.size());
    const auto& in = tensors.at(static_cast<std::size_t>(input));
    if (static_cast<std::int64_t>(sample.size()) != in.elements()) {
        throw Error("the integer model takes " + std::to_string(in.elements()) + " values per sample, got " +
                    std::to_string(sample.size()));
    }
    buffers[static_cast<std::size_t>(input)].assign(sample.begin(), sample.end());
    for (const auto& op : ops) {
        const auto& x = buffers[static_cast<std::size_t>(op.input)];
        const auto& inT = tensors[static_cast<std::size_t>(op.input)];
        const auto& outT = tensors[static_cast<std::size_t>(op.output)];
        auto& y = buffers[static_cast<std::size_t>(op.output)];
        y.assign(static_cast<std::size_t>(outT.elements()), 0);
        switch (op.kind) {
            case IntOpKind::Conv2d: convolve(op, inT, x, outT, y); break;
            case IntOpKind::FullyConnected: fullyConnected(op, inT, x, outT, y); break;
            case IntOpKind::MaxPool2d: maxPool(op, inT, x, outT, y); break;
            case IntOpKind::GlobalAvgPool: globalAveragePool(op, inT, x, outT, y); break;
            case IntOpKind::AvgPool2d: averagePool(op, inT, x, outT, y); break;
            case IntOpKind::Softmax: softmax(op, x, y); break;
            case IntOpKind::Add:
                add(op, inT, x, tensors[static_cast<std::size_t>(op.input2)], buffers[static_cast<std::size_t>(op.input2)], outT, y);
                break;
        }
    }
    std::vector<std::vector<std::int8_t>> layers;
    layers.reserve(ops.size());
    for (const auto& op : ops) layers.push_back(buffers[static_cast<std::size_t>(op.output)]);
    return layers;
}

std::vector<std::int8_t> IntModel::run(std::span<const std::int8_t> sample) const {
    if (ops.empty()) return std::vector<std::int8_t>(sample.begin(), sample.end());
    auto layers = runLayers(sample);
    for (std::size_t i = ops.size(); i-- > 0;) {
        if (ops[i].output == output) return std::move(layers[i]);
    }
    throw Error("the integer model's output is written by none of its ops");
}

std::int64_t IntModel::opMacs(const IntOp& op) const {
    const auto& out = tensors.at(static_cast<std::size_t>(op.output));
    if (op.kind == IntOpKind::Conv2d) return out.elements() * op.weightShape.at(1) * op.weightShape.at(2) * op.weightShape.at(3);
    if (op.kind == IntOpKind::FullyConnected) return op.weightShape.at(0) * op.weightShape.at(1);
    return 0;
}

std::vector<float> IntModel::dequantizeOutput(std::span<const std::int8_t> q) const {
    const auto& p = tensors.at(static_cast<std::size_t>(output)).params;
    std::vector<float> out(q.size());
    for (std::size_t i = 0; i < q.size(); ++i) out[i] = compress::dequantize(q[i], p);
    return out;
}

std::int64_t IntModel::parameterBytes() const {
    std::int64_t bytes = 0;
    for (const auto& op : ops) bytes += static_cast<std::int64_t>(op.weights.size() + 4 * op.bias.size());
    return bytes;
}

std::int64_t IntModel::peakActivationBytes() const {
    // Each buffer is live from its writer (the input: before the first op) to its last reader.
    std::vector<std::ptrdiff_t> born(tensors.size(), -1), lastUse(tensors.size(), -1);
    for (std::size_t i = 0; i < ops.size(); ++i) {
        const auto step = static_cast<std::ptrdiff_t>(i);
        born[static_cast<std::size_t>(ops[i].output)] = step;
        lastUse[static_cast<std::size_t>(ops[i].input)] = step;
        if (ops[i].input2 >= 0) lastUse[static_cast<std::size_t>(ops[i].input2)] = step;
    }
    lastUse[static_cast<std::size_t>(output)] = static_cast<std::ptrdiff_t>(ops.size());
    std::int64_t peak = 0;
    for (std::size_t i = 0; i < ops.size(); ++i) {
        const auto step = static_cast<std::ptrdiff_t>(i);
        std::int64_t live = 0;
        for (std::size_t t = 0; t < tensors.size(); ++t) {
            if (born[t] <= step && lastUse[t] >= step) live += tensors[t].elements();
        }
        peak = std::max(peak, live);
    }
    return peak;
}

void appendSoftmax(IntModel& model) {
    if (!model.ops.empty() && model.ops.back().kind == IntOpKind::Softmax) throw Error("the model already ends in a softmax");
    const IntTensor logits = model.tensors.at(static_cast<std::size_t>(model.output));
    IntOp op;
    op.kind = IntOpKind::Softmax;
    op.name = "softmax";
    op.input = model.output;
    for (int d = 0; d < 256; ++d) {
        op.expTable.push_back(static_cast<std::uint16_t>(std::lround(32768.0 * std::exp(-static_cast<double>(logits.params.scale) * d))));
    }
    QuantParams probabilities;
    probabilities.scale = 1.0f / 256.0f;
    probabilities.zeroPoint = -128;
    probabilities.qmin = -128;
    probabilities.qmax = 127;
    model.tensors.push_back({logits.shape, probabilities});
    op.output = static_cast<int>(model.tensors.size() - 1);
    model.ops.push_back(std::move(op));
    model.output = model.ops.back().output;
}

std::size_t argmax(std::span<const std::int8_t> values) {
    return static_cast<std::size_t>(std::max_element(values.begin(), values.end()) - values.begin());
}

}  // namespace tinyforge::core::quantized
