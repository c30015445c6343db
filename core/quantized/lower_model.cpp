#include "core/quantized/lower_model.h"

#include <torch/torch.h>

#include <future>
#include <thread>

#include "core/data/tensors.h"
#include "core/error.h"
#include "core/models/layers.h"
#include "core/models/model_impl.h"

namespace tinyforge::core::quantized {

namespace {

namespace nn = torch::nn;
using compress::quantizeMultiplier;

// A convolution or dense layer with the BatchNorm and activation that fuse into it.
struct FusedLayer {
    std::string name;
    at::Tensor weight, bias;  // float, BatchNorm already folded
    enum class Activation { None, Relu, Relu6 } activation = Activation::None;
};

FusedLayer foldBatchNorm(FusedLayer layer, nn::BatchNorm2dImpl* bn) {
    if (!layer.bias.defined()) layer.bias = torch::zeros({layer.weight.size(0)});
    if (bn == nullptr) return layer;
    const auto scale = bn->weight.detach() / torch::sqrt(bn->running_var + bn->options.eps());
    layer.weight = layer.weight * scale.reshape({-1, 1, 1, 1});
    layer.bias = layer.bias * scale + (bn->bias.detach() - bn->running_mean * scale);
    return layer;
}

class Lowerer {
public:
    Lowerer(const models::Model& model, const std::vector<QuantParams>& points, int bits)
        : model_(model), points_(points), bits_(bits) {}

    IntModel run() {
        auto& impl = model_.impl();
        if (impl.script) throw Error("cannot lower " + impl.arch + " to integers: imported TorchScript models are not built from known layers");
        out_.arch = impl.arch;
        out_.weightBits = bits_;
        out_.input = newTensor(impl.inputShape, 0);
        current_ = out_.input;
        const auto children = impl.network->named_children().items();
        for (std::size_t i = 0; i < children.size(); ++i) i = lowerAt(children, i);
        if (point_ + 1 != points_.size()) {
            throw Error("the activation ranges (" + std::to_string(points_.size()) + " points) do not fit " + impl.arch +
                        " (" + std::to_string(point_ + 1) + " points)");
        }
        out_.output = current_;
        return out_;
    }

private:
    int newTensor(std::vector<std::int64_t> shape, std::size_t point) {
        if (point >= points_.size()) throw Error("the activation ranges have too few points for " + model_.arch());
        out_.tensors.push_back({std::move(shape), points_[point]});
        return static_cast<int>(out_.tensors.size() - 1);
    }
    const IntTensor& tensor(int id) const { return out_.tensors[static_cast<std::size_t>(id)]; }

    // Lowers the layer at `i` (and what fuses into it); returns the index of the last layer consumed.
    std::size_t lowerAt(const std::vector<torch::OrderedDict<std::string, std::shared_ptr<nn::Module>>::Item>& layers,
                        std::size_t i) {
        const std::string& name = layers[i].key();
        const auto& module = layers[i].value();
        auto next = [&](std::size_t k) -> nn::Module* { return k < layers.size() ? layers[k].value().get() : nullptr; };
        if (module->as<nn::Flatten>()) return i;  // dense layers read the channel-major buffer as it is
        if (auto* conv = module->as<nn::Conv2d>()) {
            std::size_t last = i;
            auto* bn = next(i + 1) ? next(i + 1)->as<nn::BatchNorm2d>() : nullptr;
            if (bn) ++last;
            FusedLayer layer = foldBatchNorm({name, conv->weight.detach(), conv->bias.defined() ? conv->bias.detach() : at::Tensor()}, bn);
            if (auto* act = next(last + 1); act && (act->as<nn::ReLU>() || act->as<nn::ReLU6>())) {
                layer.activation = act->as<nn::ReLU6>() ? FusedLayer::Activation::Relu6 : FusedLayer::Activation::Relu;
                ++last;
            }
            current_ = emitConv(layer, *conv, current_);
            return last;
        }
        if (auto* linear = module->as<nn::Linear>()) {
            FusedLayer layer{name, linear->weight.detach(), linear->bias.defined() ? linear->bias.detach() : at::Tensor()};
            layer = foldBatchNorm(layer, nullptr);
            std::size_t last = i;
            if (auto* act = next(i + 1); act && (act->as<nn::ReLU>() || act->as<nn::ReLU6>())) {
                layer.activation = act->as<nn::ReLU6>() ? FusedLayer::Activation::Relu6 : FusedLayer::Activation::Relu;
                ++last;
            }
            current_ = emitDense(layer, current_);
            return last;
        }
        if (auto* pool = module->as<nn::MaxPool2d>()) {
            current_ = emitMaxPool(name, *pool, current_);
            return i;
        }
        if (auto* avg = module->as<nn::AvgPool2d>()) {
            current_ = emitAveragePool(name, *avg, current_);
            return i;
        }
        if (auto* avg = module->as<nn::AdaptiveAvgPool2d>()) {
            const auto size = avg->options.output_size();
            if (size->at(0) != 1 || size->at(1) != 1) throw Error(name + ": only global average pooling lowers to integers");
            current_ = emitGlobalAverage(name, current_);
            return i;
        }
        if (auto* block = module->as<models::ResidualBlock>()) {
            current_ = emitResidual(name, *block, current_);
            return i;
        }
        throw Error(name + ": a " + module->name() + " layer here cannot be lowered to integers");
    }

    IntOp weightedOp(IntOpKind kind, const FusedLayer& layer, int input, int output) {
        IntOp op;
        op.kind = kind;
        op.name = layer.name;
        op.input = input;
        op.output = output;
        op.weightShape = layer.weight.sizes().vec();
        auto quantizedWeights = quantizeWeights(layer.weight, bits_);
        op.weights = std::move(quantizedWeights.values);
        op.weightScales = std::move(quantizedWeights.scales);
        const float inScale = tensor(input).params.scale;
        const auto& outParams = tensor(output).params;
        for (std::int64_t c = 0; c < layer.weight.size(0); ++c) {
            const double scale = op.weightScales[static_cast<std::size_t>(c)];
            const double biasLevels = layer.bias[c].item<double>() / (static_cast<double>(inScale) * scale);
            op.bias.push_back(compress::roundHalfAway(std::clamp(biasLevels, -2.0e9, 2.0e9)));
            op.multipliers.push_back(quantizeMultiplier(static_cast<double>(inScale) * scale / outParams.scale));
        }
        op.activationMin = outParams.qmin;
        op.activationMax = outParams.qmax;
        if (layer.activation != FusedLayer::Activation::None) op.activationMin = std::max(outParams.qmin, outParams.zeroPoint);
        if (layer.activation == FusedLayer::Activation::Relu6) {
            op.activationMax = std::min(outParams.qmax, outParams.zeroPoint + compress::roundHalfAway(6.0 / outParams.scale));
        }
        return op;
    }

    int emitConv(const FusedLayer& layer, nn::Conv2dImpl& conv, int input) {
        const auto& o = conv.options;
        const auto& in = tensor(input).shape;
        if (in.size() != 3) throw Error(layer.name + ": a convolution needs a channels x height x width input");
        if (!c10::holds_alternative<torch::ExpandingArray<2>>(o.padding())) {
            throw Error(layer.name + ": only explicit convolution padding lowers to integers");
        }
        const auto pad = c10::get<torch::ExpandingArray<2>>(o.padding());
        const std::int64_t outH = (in[1] + 2 * pad->at(0) - o.kernel_size()->at(0)) / o.stride()->at(0) + 1;
        const std::int64_t outW = (in[2] + 2 * pad->at(1) - o.kernel_size()->at(1)) / o.stride()->at(1) + 1;
        const int output = newTensor({o.out_channels(), outH, outW}, ++point_);
        IntOp op = weightedOp(IntOpKind::Conv2d, layer, input, output);
        op.strideH = static_cast<int>(o.stride()->at(0));
        op.strideW = static_cast<int>(o.stride()->at(1));
        op.padH = static_cast<int>(pad->at(0));
        op.padW = static_cast<int>(pad->at(1));
        op.groups = static_cast<int>(o.groups());
        out_.ops.push_back(std::move(op));
        return output;
    }

    int emitDense(const FusedLayer& layer, int input) {
        if (tensor(input).elements() != layer.weight.size(1)) throw Error(layer.name + ": input size does not match the weights");
        const int output = newTensor({layer.weight.size(0)}, ++point_);
        out_.ops.push_back(weightedOp(IntOpKind::FullyConnected, layer, input, output));
        return output;
    }

    // A pooling op's window, stride and padding, and the shape of its output for `input`.
    IntOp windowOp(IntOpKind kind, const std::string& name, int input, const torch::ExpandingArray<2>& kernel,
                   const torch::ExpandingArray<2>& stride, const torch::ExpandingArray<2>& padding, std::vector<std::int64_t>& outShape) {
        const auto& in = tensor(input);
        if (in.shape.size() != 3) throw Error(name + ": pooling needs a channels x height x width input");
        IntOp op;
        op.kind = kind;
        op.name = name;
        op.input = input;
        op.kernelH = static_cast<int>(kernel->at(0));
        op.kernelW = static_cast<int>(kernel->at(1));
        op.strideH = static_cast<int>(stride->at(0));
        op.strideW = static_cast<int>(stride->at(1));
        op.padH = static_cast<int>(padding->at(0));
        op.padW = static_cast<int>(padding->at(1));
        outShape = {in.shape[0], (in.shape[1] + 2 * op.padH - op.kernelH) / op.strideH + 1,
                    (in.shape[2] + 2 * op.padW - op.kernelW) / op.strideW + 1};
        return op;
    }

    int emitMaxPool(const std::string& name, nn::MaxPool2dImpl& pool, int input) {
        const auto& o = pool.options;
        if (o.dilation()->at(0) != 1 || o.dilation()->at(1) != 1 || o.ceil_mode()) {
            throw Error(name + ": dilated or ceil-mode max pooling cannot be lowered to integers");
        }
        std::vector<std::int64_t> shape;
        IntOp op = windowOp(IntOpKind::MaxPool2d, name, input, o.kernel_size(), o.stride(), o.padding(), shape);
        const auto params = tensor(input).params;
        out_.tensors.push_back({shape, params});  // same grid: no new activation point
        op.output = static_cast<int>(out_.tensors.size() - 1);
        op.activationMin = params.qmin;
        op.activationMax = params.qmax;
        out_.ops.push_back(op);
        return op.output;
    }

    int emitAveragePool(const std::string& name, nn::AvgPool2dImpl& pool, int input) {
        const auto& o = pool.options;
        const bool padded = o.padding()->at(0) != 0 || o.padding()->at(1) != 0;
        if (o.ceil_mode() || o.divisor_override().has_value() || (padded && !o.count_include_pad())) {
            throw Error(name + ": average pooling lowers to integers only with one divisor, the window's area "
                               "(no ceil mode, no divisor override, padding counted)");
        }
        std::vector<std::int64_t> shape;
        IntOp op = windowOp(IntOpKind::AvgPool2d, name, input, o.kernel_size(), o.stride(), o.padding(), shape);
        op.output = newTensor(shape, ++point_);
        const double area = static_cast<double>(op.kernelH * op.kernelW);
        op.outputMultiplier = quantizeMultiplier(tensor(input).params.scale / (tensor(op.output).params.scale * area));
        op.activationMin = tensor(op.output).params.qmin;
        op.activationMax = tensor(op.output).params.qmax;
        out_.ops.push_back(op);
        return op.output;
    }

    int emitGlobalAverage(const std::string& name, int input) {
        const auto in = tensor(input);
        const int output = newTensor({in.shape[0], 1, 1}, ++point_);
        IntOp op;
        op.kind = IntOpKind::GlobalAvgPool;
        op.name = name;
        op.input = input;
        op.output = output;
        const double area = static_cast<double>(in.shape[1] * in.shape[2]);
        op.outputMultiplier = quantizeMultiplier(in.params.scale / (tensor(output).params.scale * area));
        op.activationMin = tensor(output).params.qmin;
        op.activationMax = tensor(output).params.qmax;
        out_.ops.push_back(op);
        return output;
    }

    int emitResidual(const std::string& name, models::ResidualBlockImpl& block, int input) {
        FusedLayer first = foldBatchNorm({name + ".conv1", block.conv1()->weight.detach(), at::Tensor()}, block.bn1().get());
        first.activation = FusedLayer::Activation::Relu;
        const int a = emitConv(first, *block.conv1(), input);
        const FusedLayer second = foldBatchNorm({name + ".conv2", block.conv2()->weight.detach(), at::Tensor()}, block.bn2().get());
        const int b = emitConv(second, *block.conv2(), a);
        int skip = input;
        if (!block.shortcut()->is_empty()) {
            auto* conv = block.shortcut()[0]->as<nn::Conv2d>();
            auto* bn = block.shortcut()[1]->as<nn::BatchNorm2d>();
            skip = emitConv(foldBatchNorm({name + ".shortcut.0", conv->weight.detach(), at::Tensor()}, bn), *conv, input);
        }
        const int output = newTensor(tensor(b).shape, ++point_);
        IntOp op;
        op.kind = IntOpKind::Add;
        op.name = name + ".add";
        op.input = b;
        op.input2 = skip;
        op.output = output;
        // TFLite's scheme: both operands to a shared scale of twice the larger, with 20 bits of headroom.
        op.leftShift = 20;
        const double sa = tensor(b).params.scale, sb = tensor(skip).params.scale, so = tensor(output).params.scale;
        const double twiceMax = 2.0 * std::max(sa, sb);
        op.inputMultiplier = quantizeMultiplier(sa / twiceMax);
        op.input2Multiplier = quantizeMultiplier(sb / twiceMax);
        op.outputMultiplier = quantizeMultiplier(twiceMax / ((1 << op.leftShift) * so));
        op.activationMin = std::max(tensor(output).params.qmin, tensor(output).params.zeroPoint);  // the block's ReLU
        op.activationMax = tensor(output).params.qmax;
        out_.ops.push_back(op);
        return output;
    }

    const models::Model& model_;
    const std::vector<QuantParams>& points_;
    int bits_;
    IntModel out_;
    std::size_t point_ = 0;
    int current_ = 0;
};

}  // namespace

QuantizedWeights quantizeWeights(const at::Tensor& weight, int bits) {
    torch::NoGradGuard noGrad;
    const double qmax = (1 << (bits - 1)) - 1;
    const auto flat = weight.detach().flatten(1).contiguous();
    const double layerMax = flat.abs().max().item<double>();
    const double shared = layerMax > 0 ? layerMax / qmax : 1.0;
    const auto levels = flat / shared;
    const bool onSharedGrid = (levels - torch::round(levels)).abs().max().item<double>() < 1e-3;
    QuantizedWeights q;
    const auto channelMax = std::get<0>(flat.abs().max(1));
    const std::int64_t fanIn = flat.size(1);
    const auto* w = flat.data_ptr<float>();
    for (std::int64_t c = 0; c < flat.size(0); ++c) {
        const double m = channelMax[c].item<double>();
        const double scale = onSharedGrid ? shared : (m > 0 ? m / qmax : 1.0);
        q.scales.push_back(static_cast<float>(scale));
        for (std::int64_t k = 0; k < fanIn; ++k) {
            const auto level = compress::roundHalfAway(w[c * fanIn + k] / scale);
            q.values.push_back(static_cast<std::int8_t>(std::clamp<std::int32_t>(level, -qmax, qmax)));
        }
    }
    return q;
}

IntModel lowerToIntModel(const models::Model& model, const std::vector<QuantParams>& points, int weightBits) {
    if (weightBits < 2 || weightBits > 8) throw SettingsError("integer weights must have 2 to 8 bits, got " + std::to_string(weightBits));
    torch::NoGradGuard noGrad;
    return Lowerer(model, points, weightBits).run();
}

IntegerRuns runIntegerModel(const IntModel& model, const data::Dataset& dataset, const std::vector<std::int64_t>& indices) {
    IntegerRuns runs;
    runs.inputSize = model.tensors.at(static_cast<std::size_t>(model.input)).elements();
    runs.outputSize = model.tensors.at(static_cast<std::size_t>(model.output)).elements();
    runs.inputs.resize(indices.size() * static_cast<std::size_t>(runs.inputSize));
    runs.outputs.resize(indices.size() * static_cast<std::size_t>(runs.outputSize));
    // Each worker fills its own range of samples, so the results keep the order of `indices`.
    auto runRange = [&](std::size_t begin, std::size_t end) {
        for (std::size_t start = begin; start < end; start += 256) {
            const std::vector<std::int64_t> batch(indices.begin() + static_cast<std::ptrdiff_t>(start),
                                                  indices.begin() + static_cast<std::ptrdiff_t>(std::min(end, start + 256)));
            const auto samples = data::samplesTensor(dataset, batch).contiguous();
            const float* values = samples.data_ptr<float>();
            for (std::size_t s = 0; s < batch.size(); ++s) {
                const auto q = model.quantizeInput({values + static_cast<std::int64_t>(s) * runs.inputSize, static_cast<std::size_t>(runs.inputSize)});
                const auto out = model.run(q);
                std::copy(q.begin(), q.end(), runs.inputs.begin() + static_cast<std::ptrdiff_t>((start + s) * q.size()));
                std::copy(out.begin(), out.end(), runs.outputs.begin() + static_cast<std::ptrdiff_t>((start + s) * out.size()));
            }
        }
    };
    const std::size_t workers = std::max(1u, std::thread::hardware_concurrency());
    std::vector<std::future<void>> parts;
    for (std::size_t w = 0; w < workers; ++w) {
        parts.push_back(std::async(std::launch::async, runRange, indices.size() * w / workers, indices.size() * (w + 1) / workers));
    }
    for (auto& p : parts) p.get();
    return runs;
}

std::vector<std::int64_t> integerPredictions(const IntModel& model, const data::Dataset& dataset, const std::vector<std::int64_t>& indices) {
    std::vector<std::int64_t> predicted;
    if (indices.empty()) return predicted;
    const auto runs = runIntegerModel(model, dataset, indices);
    for (std::size_t s = 0; s < indices.size(); ++s) {
        const std::span<const std::int8_t> logits(runs.outputs.data() + s * static_cast<std::size_t>(runs.outputSize),
                                                  static_cast<std::size_t>(runs.outputSize));
        predicted.push_back(static_cast<std::int64_t>(argmax(logits)));
    }
    return predicted;
}

double integerAccuracy(const IntModel& model, const data::Dataset& dataset, const std::vector<std::int64_t>& indices) {
    if (indices.empty()) return 0.0;
    const auto predicted = integerPredictions(model, dataset, indices);
    std::int64_t correct = 0;
    for (std::size_t s = 0; s < indices.size(); ++s) correct += predicted[s] == dataset.samples.labels[static_cast<std::size_t>(indices[s])];
    return static_cast<double>(correct) / static_cast<double>(indices.size());
}

}  // namespace tinyforge::core::quantized
