#include "core/export/torchscript_export.h"

#include <torch/script.h>
#include <torch/torch.h>

#include <sstream>

#include "core/error.h"
#include "core/io/file_bytes.h"
#include "core/models/layers.h"
#include "core/models/model_impl.h"

namespace tinyforge::core::exporting {

namespace {

namespace nn = torch::nn;

std::string list2(const torch::ExpandingArray<2>& a) { return "[" + std::to_string(a->at(0)) + ", " + std::to_string(a->at(1)) + "]"; }

std::string real(double v) {
    std::ostringstream s;
    s.precision(17);
    s << v;
    std::string text = s.str();
    if (text.find_first_of(".en") == std::string::npos) text += ".0";
    return text;
}

// Builds the TorchScript source of forward() while registering each layer's tensors on the module.
class ScriptWriter {
public:
    ScriptWriter(torch::jit::Module& module, const std::vector<compress::QuantParams>* points)
        : module_(module), points_(points) {}

    std::string write(nn::Sequential& network) {
        observe();  // the input
        const auto ends = models::layerGroupEnds(network);
        const auto children = network->named_children().items();
        for (std::size_t i = 0; i < children.size(); ++i) {
            layer(children[i].key(), *children[i].value(), "x");
            if (ends[i]) observe();
        }
        if (points_ && point_ != points_->size()) {
            throw Error("the activation parameters (" + std::to_string(points_->size()) + " points) do not fit the model (" +
                        std::to_string(point_) + " points)");
        }
        std::string helper;
        if (points_) {
            helper = "def fake_quantize(self, x: Tensor, scale: float, zero_point: int, qmin: int, qmax: int) -> Tensor:\n"
                     "    y = x / scale\n"
                     "    q = torch.clamp(torch.sign(y) * torch.floor(torch.abs(y) + 0.5) + zero_point, qmin, qmax)\n"
                     "    return (q - zero_point) * scale\n\n";
        }
        return helper + "def forward(self, x: Tensor) -> Tensor:\n" + body_.str() + "    return x\n";
    }

private:
    std::string tensor(const std::string& layer, const std::string& what, const at::Tensor& value) {
        std::string name = layer + "_" + what;
        for (auto& ch : name) {
            if (ch == '.') ch = '_';
        }
        if (value.defined()) module_.register_buffer(name, value.detach().clone());
        return value.defined() ? "self." + name : "None";
    }

    void observe(const std::string& var = "x") {
        if (!points_) {
            ++point_;
            return;
        }
        if (point_ >= points_->size()) throw Error("the activation parameters have too few points for the model");
        const auto& p = (*points_)[point_++];
        body_ << "    " << var << " = self.fake_quantize(" << var << ", " << real(p.scale) << ", " << p.zeroPoint << ", "
              << p.qmin << ", " << p.qmax << ")\n";
    }

    void conv(const std::string& name, nn::Conv2dImpl& c, const std::string& in, const std::string& out) {
        const auto& o = c.options;
        if (!c10::holds_alternative<torch::ExpandingArray<2>>(o.padding())) throw Error(name + ": only explicit padding exports");
        body_ << "    " << out << " = torch.conv2d(" << in << ", " << tensor(name, "weight", c.weight) << ", "
              << tensor(name, "bias", c.bias) << ", " << list2(o.stride()) << ", "
              << list2(c10::get<torch::ExpandingArray<2>>(o.padding())) << ", " << list2(o.dilation()) << ", " << o.groups() << ")\n";
    }

    void batchNorm(const std::string& name, nn::BatchNorm2dImpl& bn, const std::string& var) {
        body_ << "    " << var << " = torch.batch_norm(" << var << ", " << tensor(name, "weight", bn.weight) << ", "
              << tensor(name, "bias", bn.bias) << ", " << tensor(name, "running_mean", bn.running_mean) << ", "
              << tensor(name, "running_var", bn.running_var) << ", False, 0.0, " << real(bn.options.eps()) << ", False)\n";
    }

    void residual(const std::string& name, models::ResidualBlockImpl& block) {
        conv(name + ".conv1", *block.conv1(), "x", "y");
        batchNorm(name + ".bn1", *block.bn1(), "y");
        body_ << "    y = torch.relu(y)\n";
        observe("y");
        conv(name + ".conv2", *block.conv2(), "y", "y");
        batchNorm(name + ".bn2", *block.bn2(), "y");
        observe("y");
        if (block.shortcut()->is_empty()) {
            body_ << "    skip = x\n";
        } else {
            conv(name + ".shortcut.0", *block.shortcut()[0]->as<nn::Conv2d>(), "x", "skip");
            batchNorm(name + ".shortcut.1", *block.shortcut()[1]->as<nn::BatchNorm2d>(), "skip");
            observe("skip");
        }
        body_ << "    x = torch.relu(y + skip)\n";
    }

    void layer(const std::string& name, nn::Module& m, const std::string& var) {
        if (auto* c = m.as<nn::Conv2d>()) return conv(name, *c, var, var);
        if (auto* bn = m.as<nn::BatchNorm2d>()) return batchNorm(name, *bn, var);
        if (auto* l = m.as<nn::Linear>()) {
            body_ << "    " << var << " = torch.linear(" << var << ", " << tensor(name, "weight", l->weight) << ", "
                  << tensor(name, "bias", l->bias) << ")\n";
            return;
        }
        if (m.as<nn::ReLU>()) {
            body_ << "    " << var << " = torch.relu(" << var << ")\n";
        } else if (m.as<nn::ReLU6>()) {
            body_ << "    " << var << " = torch.clamp(" << var << ", 0.0, 6.0)\n";
        } else if (m.as<nn::Flatten>()) {
            body_ << "    " << var << " = torch.flatten(" << var << ", 1)\n";
        } else if (auto* p = m.as<nn::MaxPool2d>()) {
            const auto& o = p->options;
            body_ << "    " << var << " = torch.max_pool2d(" << var << ", " << list2(o.kernel_size()) << ", " << list2(o.stride())
                  << ", " << list2(o.padding()) << ", " << list2(o.dilation()) << ", " << (o.ceil_mode() ? "True" : "False") << ")\n";
        } else if (auto* avg = m.as<nn::AvgPool2d>()) {
            const auto& o = avg->options;
            body_ << "    " << var << " = torch.avg_pool2d(" << var << ", " << list2(o.kernel_size()) << ", " << list2(o.stride())
                  << ", " << list2(o.padding()) << ", " << (o.ceil_mode() ? "True" : "False") << ", "
                  << (o.count_include_pad() ? "True" : "False") << ")\n";
        } else if (auto* a = m.as<nn::AdaptiveAvgPool2d>()) {
            const auto size = a->options.output_size();
            body_ << "    " << var << " = torch.adaptive_avg_pool2d(" << var << ", [" << size->at(0).value() << ", "
                  << size->at(1).value() << "])\n";
        } else if (auto* block = m.as<models::ResidualBlock>()) {
            residual(name, *block);
        } else {
            throw Error(name + ": a " + m.name() + " layer cannot be exported to TorchScript");
        }
    }

    torch::jit::Module& module_;
    const std::vector<compress::QuantParams>* points_;
    std::ostringstream body_;
    std::size_t point_ = 0;
};

}  // namespace

void exportTorchScript(const models::Model& model, const std::vector<compress::QuantParams>* activationPoints,
                       const std::filesystem::path& file) {
    auto& impl = model.impl();
    std::ostringstream bytes;
    if (impl.script) {
        impl.script->save(bytes);
    } else {
        torch::NoGradGuard noGrad;
        torch::jit::Module module("TinyForgeModel");
        ScriptWriter writer(module, activationPoints);
        const std::string source = writer.write(impl.network);
        try {
            module.define(source);
        } catch (const std::exception& e) {
            throw Error(std::string("TorchScript export of ") + impl.arch + " failed to compile: " + e.what());
        }
        module.eval();
        module.save(bytes);
    }
    const std::string data = bytes.str();
    io::writeFileAtomically(file, data.data(), data.size());
}

}  // namespace tinyforge::core::exporting
