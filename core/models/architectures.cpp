// The built-in architectures. Each adapts to the dataset: input channels and size, and class count.

#include <torch/torch.h>

#include <functional>
#include <map>

#include "core/data/dataset.h"
#include "core/error.h"
#include "core/models/layers.h"
#include "core/models/model_impl.h"

namespace tinyforge::core::models {

namespace {

namespace nn = torch::nn;
using nlohmann::json;
using Shape = std::vector<std::int64_t>;


// Reads typed options, naming the recipe field when one is wrong.
class Options {
public:
    Options(const json& options, std::string fieldPath) : options_(options), path_(std::move(fieldPath)) {}
    std::vector<std::int64_t> widths(const char* key, std::vector<std::int64_t> fallback) const {
        if (!options_.contains(key)) return fallback;
        const json& value = options_.at(key);
        if (!value.is_array() || value.empty()) fail(key, "must be a non-empty array of positive whole numbers");
        std::vector<std::int64_t> out;
        for (const auto& w : value) {
            if (!w.is_number_integer() || w.get<std::int64_t>() < 1 || w.get<std::int64_t>() > 65536) {
                fail(key, "must be a non-empty array of positive whole numbers");
            }
            out.push_back(w.get<std::int64_t>());
        }
        return out;
    }
    std::int64_t count(const char* key, std::int64_t fallback, std::int64_t max) const {
        if (!options_.contains(key)) return fallback;
        const json& value = options_.at(key);
        if (!value.is_number_integer() || value.get<std::int64_t>() < 1 || value.get<std::int64_t>() > max) {
            fail(key, "must be a whole number from 1 to " + std::to_string(max));
        }
        return value.get<std::int64_t>();
    }
    double fraction(const char* key, double fallback) const {
        if (!options_.contains(key)) return fallback;
        const json& value = options_.at(key);
        if (!value.is_number() || value.get<double>() <= 0 || value.get<double>() > 4) fail(key, "must be in (0, 4]");
        return value.get<double>();
    }
    /// "max" or "avg" (2x2, stride 2): the pooling between stages.
    nn::AnyModule pool(const char* key) const {
        const std::string kind = options_.contains(key) && options_.at(key).is_string() ? options_.at(key).get<std::string>()
                                 : options_.contains(key) ? std::string("?") : std::string("max");
        if (kind == "max") return nn::AnyModule(nn::MaxPool2d(nn::MaxPool2dOptions(2)));
        if (kind == "avg") return nn::AnyModule(nn::AvgPool2d(nn::AvgPool2dOptions(2)));
        fail(key, "must be \"max\" or \"avg\"");
    }
    [[noreturn]] void fail(const std::string& key, const std::string& problem) const {
        throw RecipeError(path_ + "." + key + ": " + problem);
    }

private:
    const json& options_;
    std::string path_;
};

nn::Conv2d conv(std::int64_t in, std::int64_t out, std::int64_t kernel, std::int64_t stride = 1,
                std::int64_t groups = 1, bool bias = false) {
    return nn::Conv2d(nn::Conv2dOptions(in, out, kernel).stride(stride).padding(kernel / 2).groups(groups).bias(bias));
}

// Features a network's convolutional part leaves for its classifier, found by a dry run on one zero sample.
std::int64_t flattenedSize(nn::Sequential& features, const Shape& inputShape) {
    Shape batch{1};
    batch.insert(batch.end(), inputShape.begin(), inputShape.end());
    torch::NoGradGuard noGrad;
    features->eval();
    const auto out = features->forward(torch::zeros(batch));
    features->train();
    return out.numel();
}

void appendClassifier(nn::Sequential& net, const Shape& inputShape, std::int64_t classes,
                      const std::vector<std::int64_t>& hidden = {}) {
    std::int64_t width = flattenedSize(net, inputShape);
    net->push_back("flatten", nn::Flatten());
    for (std::size_t i = 0; i < hidden.size(); ++i) {
        net->push_back("fc" + std::to_string(i + 1), nn::Linear(width, hidden[i]));
        net->push_back("relu_fc" + std::to_string(i + 1), nn::ReLU());
        width = hidden[i];
    }
    net->push_back("fc", nn::Linear(width, classes));
}

void appendConvBnRelu(nn::Sequential& net, const std::string& name, nn::Conv2d layer, std::int64_t channels,
                      bool relu6 = false) {
    net->push_back(std::string(name), layer);  // a prvalue name picks the public overload
    net->push_back(name + "_bn", nn::BatchNorm2d(channels));
    if (relu6) net->push_back(name + "_relu", nn::ReLU6());
    else net->push_back(name + "_relu", nn::ReLU());
}

nn::Sequential mlp(const Options& o, const Shape& in, std::int64_t classes) {
    nn::Sequential net;
    net->push_back("flatten", nn::Flatten());
    std::int64_t width = 1;
    for (const auto d : in) width *= d;
    const auto hidden = o.widths("hidden", {64, 32});
    for (std::size_t i = 0; i < hidden.size(); ++i) {
        net->push_back("fc" + std::to_string(i + 1), nn::Linear(width, hidden[i]));
        net->push_back("relu" + std::to_string(i + 1), nn::ReLU());
        width = hidden[i];
    }
    net->push_back("fc", nn::Linear(width, classes));
    return net;
}

nn::Sequential lenet5(const Options& o, const Shape& in, std::int64_t classes) {
    nn::Sequential net;
    // 28x28 inputs (MNIST) are padded to LeNet's native 32x32.
    const std::int64_t pad = in[1] < 32 ? 2 : 0;
    net->push_back("conv1", nn::Conv2d(nn::Conv2dOptions(in[0], 6, 5).padding(pad)));
    net->push_back("relu1", nn::ReLU());
    net->push_back("pool1", o.pool("pool"));
    net->push_back("conv2", nn::Conv2d(nn::Conv2dOptions(6, 16, 5)));
    net->push_back("relu2", nn::ReLU());
    net->push_back("pool2", o.pool("pool"));
    appendClassifier(net, in, classes, {120, 84});
    return net;
}

nn::Sequential cnnSmall(const Options& o, const Shape& in, std::int64_t classes) {
    nn::Sequential net;
    std::int64_t channels = in[0];
    const auto stages = o.widths("channels", {16, 32});
    for (std::size_t i = 0; i < stages.size(); ++i) {
        const std::string name = "conv" + std::to_string(i + 1);
        appendConvBnRelu(net, name, conv(channels, stages[i], 3), stages[i]);
        net->push_back("pool" + std::to_string(i + 1), o.pool("pool"));
        channels = stages[i];
    }
    appendClassifier(net, in, classes, o.widths("hidden", {}));
    return net;
}

nn::Sequential residualNetwork(const Shape& in, std::int64_t classes, const std::vector<std::int64_t>& stages,
                               int blocksPerStage) {
    nn::Sequential net;
    appendConvBnRelu(net, "stem", conv(in[0], stages[0], 3), stages[0]);
    std::int64_t channels = stages[0];
    for (std::size_t s = 0; s < stages.size(); ++s) {
        for (int b = 0; b < blocksPerStage; ++b) {
            const std::int64_t stride = (s > 0 && b == 0) ? 2 : 1;
            net->push_back("stage" + std::to_string(s + 1) + "_block" + std::to_string(b + 1),
                           ResidualBlock(channels, stages[s], stride));
            channels = stages[s];
        }
    }
    net->push_back("avgpool", nn::AdaptiveAvgPool2d(nn::AdaptiveAvgPool2dOptions({1, 1})));
    appendClassifier(net, in, classes);
    return net;
}

nn::Sequential mobilenetV1(const Options& o, const Shape& in, std::int64_t classes) {
    const double width = o.fraction("width", 0.25);
    auto scaled = [width](std::int64_t c) { return std::max<std::int64_t>(8, static_cast<std::int64_t>(c * width)); };
    nn::Sequential net;
    std::int64_t channels = scaled(32);
    appendConvBnRelu(net, "stem", conv(in[0], channels, 3, 2), channels, true);
    const std::vector<std::pair<std::int64_t, std::int64_t>> blocks{
        {64, 1}, {128, 2}, {128, 1}, {256, 2}, {256, 1}, {512, 2}, {512, 1},
        {512, 1}, {512, 1}, {512, 1}, {512, 1}, {1024, 2}, {1024, 1}};
    for (std::size_t i = 0; i < blocks.size(); ++i) {
        const std::string name = "block" + std::to_string(i + 1);
        const std::int64_t out = scaled(blocks[i].first);
        appendConvBnRelu(net, name + "_dw", conv(channels, channels, 3, blocks[i].second, channels), channels, true);
        appendConvBnRelu(net, name + "_pw", conv(channels, out, 1), out, true);
        channels = out;
    }
    net->push_back("avgpool", nn::AdaptiveAvgPool2d(nn::AdaptiveAvgPool2dOptions({1, 1})));
    appendClassifier(net, in, classes);
    return net;
}

nn::Sequential dsCnn(const Options& o, const Shape& in, std::int64_t classes) {
    const std::int64_t channels = o.count("channels", 64, 4096);
    const std::int64_t blocks = o.count("blocks", 4, 32);
    // MLPerf Tiny's first layer is 10x4 with stride 2 over a 49x10 spectrogram; clamp it for small images.
    // Padding (k - 1) / 2 halves even sizes exactly, as TensorFlow's "same" padding does.
    const std::int64_t kh = std::min<std::int64_t>(10, in[1]);
    const std::int64_t kw = std::min<std::int64_t>(4, in[2]);
    nn::Sequential net;
    appendConvBnRelu(net, "conv1",
                     nn::Conv2d(nn::Conv2dOptions(in[0], channels, {kh, kw}).stride(2).padding({(kh - 1) / 2, (kw - 1) / 2}).bias(false)),
                     channels);
    for (std::int64_t b = 0; b < blocks; ++b) {
        const std::string name = "block" + std::to_string(b + 1);
        appendConvBnRelu(net, name + "_dw", conv(channels, channels, 3, 1, channels), channels);
        appendConvBnRelu(net, name + "_pw", conv(channels, channels, 1), channels);
    }
    net->push_back("avgpool", nn::AdaptiveAvgPool2d(nn::AdaptiveAvgPool2dOptions({1, 1})));
    appendClassifier(net, in, classes);
    return net;
}

}  // namespace

torch::nn::Sequential buildNetwork(const ArchitectureSpec& spec, const Shape& inputShape, std::int64_t classes,
                                   const std::string& fieldPath) {
    checkArchitectureOptions(spec, fieldPath);
    const ArchitectureInfo& info = findArchitecture(spec.arch, fieldPath);
    if (info.needsImages && inputShape.size() != 3) {
        throw RecipeError(fieldPath + ".arch: " + spec.arch + " needs images (channels x height x width), but the "
                          "dataset's samples are " + data::shapeText(inputShape) + "; use mlp for tables");
    }
    static const std::map<std::string, std::function<nn::Sequential(const Options&, const Shape&, std::int64_t)>>
        builders{
            {"mlp", mlp},
            {"lenet5", lenet5},
            {"cnn-small", cnnSmall},
            {"resnet8", [](const Options& o, const Shape& in, std::int64_t k) {
                 return residualNetwork(in, k, o.widths("channels", {16, 32, 64}), 1); }},
            {"resnet20", [](const Options& o, const Shape& in, std::int64_t k) {
                 return residualNetwork(in, k, o.widths("channels", {16, 32, 64}), 3); }},
            {"mobilenet-v1", mobilenetV1},
            {"ds-cnn", dsCnn},
        };
    try {
        return builders.at(spec.arch)(Options(spec.options, fieldPath), inputShape, classes);
    } catch (const c10::Error& e) {
        throw RecipeError(fieldPath + ".arch: " + spec.arch + " cannot take " + data::shapeText(inputShape) +
                          " inputs: " + e.what_without_backtrace());
    }
}

}  // namespace tinyforge::core::models
