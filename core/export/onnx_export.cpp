#include "core/export/onnx_export.h"

#include <torch/torch.h>

#include <onnx/onnx_pb.h>

#include "core/error.h"
#include "core/io/file_bytes.h"
#include "core/models/layers.h"
#include "core/models/model_impl.h"
#include "core/quantized/lower_model.h"

namespace tinyforge::core::exporting {

namespace {

namespace nn = torch::nn;

constexpr int kOpset = 13;

class GraphBuilder {
public:
    GraphBuilder(onnx::GraphProto& graph, const std::vector<compress::QuantParams>* points, int weightBits)
        : graph_(graph), points_(points), weightBits_(weightBits) {}

    void build(nn::Sequential& network) {
        std::string x = observe("input");
        const auto ends = models::layerGroupEnds(network);
        const auto children = network->named_children().items();
        for (std::size_t i = 0; i < children.size(); ++i) {
            x = layer(children[i].key(), *children[i].value(), x);
            if (ends[i]) x = observe(x);
        }
        if (points_ && point_ != points_->size()) throw Error("the activation parameters do not fit the model");
        node("Identity", {x}, {"logits"});
    }

private:
    std::string fresh(const std::string& base) { return base + "_" + std::to_string(counter_++); }

    onnx::NodeProto& node(const std::string& op, const std::vector<std::string>& inputs, const std::vector<std::string>& outputs) {
        auto* n = graph_.add_node();
        n->set_op_type(op);
        n->set_name(fresh(op));
        for (const auto& i : inputs) n->add_input(i);
        for (const auto& o : outputs) n->add_output(o);
        return *n;
    }
    static void intsAttribute(onnx::NodeProto& n, const std::string& name, const std::vector<std::int64_t>& values) {
        auto* a = n.add_attribute();
        a->set_name(name);
        a->set_type(onnx::AttributeProto::INTS);
        for (const auto v : values) a->add_ints(v);
    }
    static void intAttribute(onnx::NodeProto& n, const std::string& name, std::int64_t value) {
        auto* a = n.add_attribute();
        a->set_name(name);
        a->set_type(onnx::AttributeProto::INT);
        a->set_i(value);
    }
    static void floatAttribute(onnx::NodeProto& n, const std::string& name, float value) {
        auto* a = n.add_attribute();
        a->set_name(name);
        a->set_type(onnx::AttributeProto::FLOAT);
        a->set_f(value);
    }

    std::string initializer(const std::string& name, const at::Tensor& value) {
        const auto t = value.detach().contiguous();
        auto* init = graph_.add_initializer();
        init->set_name(name);
        for (const auto d : t.sizes()) init->add_dims(d);
        if (t.scalar_type() == torch::kFloat) {
            init->set_data_type(onnx::TensorProto::FLOAT);
            init->set_raw_data(t.data_ptr(), static_cast<std::size_t>(t.numel()) * 4);
        } else if (t.scalar_type() == torch::kChar) {
            init->set_data_type(onnx::TensorProto::INT8);
            init->set_raw_data(t.data_ptr(), static_cast<std::size_t>(t.numel()));
        } else {
            throw Error("ONNX export: unexpected tensor type for " + name);
        }
        return name;
    }

    // Quantize and dequantize at the next activation point (QDQ form); the float graph passes the value on.
    std::string observe(const std::string& x) {
        if (!points_) return x;
        if (point_ >= points_->size()) throw Error("the activation parameters have too few points for the model");
        const auto& p = (*points_)[point_];
        const std::string tag = "act" + std::to_string(point_++);
        const auto scale = initializer(tag + "_scale", torch::tensor(p.scale));
        const auto zero = initializer(tag + "_zero_point", torch::tensor(static_cast<std::int8_t>(p.zeroPoint)));
        node("QuantizeLinear", {x, scale, zero}, {tag + "_q"});
        node("DequantizeLinear", {tag + "_q", scale, zero}, {tag});
        return tag;
    }

    // The weight as a float initializer, or (QDQ) as int8 with per-output-channel scales and a DequantizeLinear:
    // the same integers and scales as the integer-only reference.
    std::string weight(const std::string& name, const at::Tensor& w) {
        if (!points_) return initializer(name, w);
        auto q = quantized::quantizeWeights(w, weightBits_);
        const auto values = torch::from_blob(q.values.data(), w.sizes(), torch::kChar);
        const auto scales = torch::from_blob(q.scales.data(), {w.size(0)}, torch::kFloat);
        node("DequantizeLinear",
             {initializer(name + "_quantized", values), initializer(name + "_scale", scales),
              initializer(name + "_zero_point", torch::zeros({w.size(0)}, torch::kChar))},
             {name});
        auto& dq = *graph_.mutable_node(graph_.node_size() - 1);
        intAttribute(dq, "axis", 0);
        return name;
    }

    std::string conv(const std::string& name, nn::Conv2dImpl& c, const std::string& x) {
        const auto& o = c.options;
        if (!c10::holds_alternative<torch::ExpandingArray<2>>(o.padding())) throw Error(name + ": only explicit padding exports to ONNX");
        const auto pad = c10::get<torch::ExpandingArray<2>>(o.padding());
        std::vector<std::string> inputs{x, weight(name + ".weight", c.weight)};
        if (c.bias.defined()) inputs.push_back(initializer(name + ".bias", c.bias));
        const std::string y = fresh(name);
        auto& n = node("Conv", inputs, {y});
        intsAttribute(n, "kernel_shape", {o.kernel_size()->at(0), o.kernel_size()->at(1)});
        intsAttribute(n, "strides", {o.stride()->at(0), o.stride()->at(1)});
        intsAttribute(n, "pads", {pad->at(0), pad->at(1), pad->at(0), pad->at(1)});
        intsAttribute(n, "dilations", {o.dilation()->at(0), o.dilation()->at(1)});
        intAttribute(n, "group", o.groups());
        return y;
    }

    std::string batchNorm(const std::string& name, nn::BatchNorm2dImpl& bn, const std::string& x) {
        const std::string y = fresh(name);
        auto& n = node("BatchNormalization",
                       {x, initializer(name + ".weight", bn.weight), initializer(name + ".bias", bn.bias),
                        initializer(name + ".running_mean", bn.running_mean), initializer(name + ".running_var", bn.running_var)},
                       {y});
        floatAttribute(n, "epsilon", static_cast<float>(bn.options.eps()));
        return y;
    }

    std::string unary(const std::string& op, const std::string& x) {
        const std::string y = fresh(op);
        node(op, {x}, {y});
        return y;
    }

    std::string residual(const std::string& name, models::ResidualBlockImpl& block, const std::string& x) {
        std::string y = observe(unary("Relu", batchNorm(name + ".bn1", *block.bn1(), conv(name + ".conv1", *block.conv1(), x))));
        y = observe(batchNorm(name + ".bn2", *block.bn2(), conv(name + ".conv2", *block.conv2(), y)));
        std::string skip = x;
        if (!block.shortcut()->is_empty()) {
            skip = conv(name + ".shortcut.0", *block.shortcut()[0]->as<nn::Conv2d>(), x);
            skip = observe(batchNorm(name + ".shortcut.1", *block.shortcut()[1]->as<nn::BatchNorm2d>(), skip));
        }
        const std::string sum = fresh(name + ".add");
        node("Add", {y, skip}, {sum});
        return unary("Relu", sum);
    }

    std::string layer(const std::string& name, nn::Module& m, const std::string& x) {
        if (auto* c = m.as<nn::Conv2d>()) return conv(name, *c, x);
        if (auto* bn = m.as<nn::BatchNorm2d>()) return batchNorm(name, *bn, x);
        if (auto* l = m.as<nn::Linear>()) {
            std::vector<std::string> inputs{x, weight(name + ".weight", l->weight)};
            if (l->bias.defined()) inputs.push_back(initializer(name + ".bias", l->bias));
            const std::string y = fresh(name);
            intAttribute(node("Gemm", inputs, {y}), "transB", 1);
            return y;
        }
        if (m.as<nn::ReLU>()) return unary("Relu", x);
        if (m.as<nn::ReLU6>()) {
            const std::string y = fresh("relu6");
            node("Clip", {x, initializer(fresh("zero"), torch::tensor(0.0f)), initializer(fresh("six"), torch::tensor(6.0f))}, {y});
            return y;
        }
        if (m.as<nn::Flatten>()) {
            const std::string y = fresh("flatten");
            intAttribute(node("Flatten", {x}, {y}), "axis", 1);
            return y;
        }
        if (auto* p = m.as<nn::MaxPool2d>()) {
            const auto& o = p->options;
            const std::string y = fresh(name);
            auto& n = node("MaxPool", {x}, {y});
            intsAttribute(n, "kernel_shape", {o.kernel_size()->at(0), o.kernel_size()->at(1)});
            intsAttribute(n, "strides", {o.stride()->at(0), o.stride()->at(1)});
            intsAttribute(n, "pads", {o.padding()->at(0), o.padding()->at(1), o.padding()->at(0), o.padding()->at(1)});
            intAttribute(n, "ceil_mode", o.ceil_mode() ? 1 : 0);
            return y;
        }
        if (auto* p = m.as<nn::AvgPool2d>()) {
            const auto& o = p->options;
            if (o.divisor_override().has_value()) throw Error(name + ": average pooling with a divisor override cannot be exported to ONNX");
            const std::string y = fresh(name);
            auto& n = node("AveragePool", {x}, {y});
            intsAttribute(n, "kernel_shape", {o.kernel_size()->at(0), o.kernel_size()->at(1)});
            intsAttribute(n, "strides", {o.stride()->at(0), o.stride()->at(1)});
            intsAttribute(n, "pads", {o.padding()->at(0), o.padding()->at(1), o.padding()->at(0), o.padding()->at(1)});
            intAttribute(n, "ceil_mode", o.ceil_mode() ? 1 : 0);
            intAttribute(n, "count_include_pad", o.count_include_pad() ? 1 : 0);
            return y;
        }
        if (auto* a = m.as<nn::AdaptiveAvgPool2d>()) {
            const auto size = a->options.output_size();
            if (size->at(0) != 1 || size->at(1) != 1) throw Error(name + ": only global average pooling exports to ONNX");
            return unary("GlobalAveragePool", x);
        }
        if (auto* block = m.as<models::ResidualBlock>()) return residual(name, *block, x);
        throw Error(name + ": a " + m.name() + " layer cannot be exported to ONNX");
    }

    onnx::GraphProto& graph_;
    const std::vector<compress::QuantParams>* points_;
    int weightBits_;
    std::size_t point_ = 0;
    int counter_ = 0;
};

void describeValue(onnx::ValueInfoProto& value, const std::string& name, const std::vector<std::int64_t>& shape) {
    value.set_name(name);
    auto* tensor = value.mutable_type()->mutable_tensor_type();
    tensor->set_elem_type(onnx::TensorProto::FLOAT);
    tensor->mutable_shape()->add_dim()->set_dim_param("batch");
    for (const auto d : shape) tensor->mutable_shape()->add_dim()->set_dim_value(d);
}

}  // namespace

void exportOnnx(const models::Model& model, const std::vector<compress::QuantParams>* activationPoints, int weightBits,
                const std::filesystem::path& file) {
    auto& impl = model.impl();
    if (impl.script) throw Error("ONNX export needs a built-in architecture; " + impl.arch + " is imported TorchScript");
    onnx::ModelProto proto;
    proto.set_ir_version(onnx::IR_VERSION);
    proto.set_producer_name("TinyForge Studio");
    proto.add_opset_import()->set_version(kOpset);
    auto* graph = proto.mutable_graph();
    graph->set_name(impl.arch);
    describeValue(*graph->add_input(), "input", impl.inputShape);
    describeValue(*graph->add_output(), "logits", {impl.classes});
    {
        torch::NoGradGuard noGrad;
        GraphBuilder(*graph, activationPoints, weightBits).build(impl.network);
    }
    std::string bytes;
    if (!proto.SerializeToString(&bytes)) throw Error("ONNX export: the model could not be serialised");
    io::writeFileAtomically(file, bytes.data(), bytes.size());
}

}  // namespace tinyforge::core::exporting
