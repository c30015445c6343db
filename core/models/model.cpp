#include "core/models/model.h"

#include <torch/torch.h>

#include <numeric>
#include <sstream>

#include "core/data/dataset.h"
#include "core/error.h"
#include "core/io/file_bytes.h"
#include "core/models/channel_surgery.h"
#include "core/models/layers.h"
#include "core/models/model_impl.h"

namespace tinyforge::core::models {

namespace {

std::vector<std::int64_t> withBatch(const std::vector<std::int64_t>& shape, std::int64_t batch) {
    std::vector<std::int64_t> out{batch};
    out.insert(out.end(), shape.begin(), shape.end());
    return out;
}


}  // namespace

Model Model::build(const ArchitectureSpec& spec, const std::vector<std::int64_t>& inputShape, std::int64_t classes,
                   std::uint64_t seed, const std::string& fieldPath) {
    torch::manual_seed(seed);
    auto impl = std::make_shared<Impl>();
    impl->arch = spec.arch;
    impl->inputShape = inputShape;
    impl->classes = classes;
    impl->network = buildNetwork(spec, inputShape, classes, fieldPath);
    return Model(impl);
}

Model Model::importTorchScript(const std::filesystem::path& file, const std::vector<std::int64_t>& inputShape,
                               std::int64_t classes) {
    if (!std::filesystem::is_regular_file(file)) throw DataError(file, "", "TorchScript file not found");
    auto impl = std::make_shared<Impl>();
    impl->arch = "torchscript:" + file.filename().string();
    impl->inputShape = inputShape;
    impl->classes = classes;
    try {
        impl->script = torch::jit::load(file.string());
    } catch (const c10::Error& e) {
        throw DataError(file, "", std::string("not a TorchScript model: ") + e.what_without_backtrace());
    }
    at::Tensor out;
    try {
        torch::NoGradGuard noGrad;
        impl->script->eval();
        out = impl->script->forward({torch::zeros(withBatch(inputShape, 2))}).toTensor();
    } catch (const std::exception& e) {  // the TorchScript interpreter throws more than c10::Error
        std::string reason = e.what();
        reason = reason.substr(0, reason.find('\n'));
        throw DataError(file, "", "does not accept the dataset's samples (shape " + data::shapeText(inputShape) + "): " + reason);
    }
    if (out.dim() != 2 || out.size(0) != 2 || out.size(1) != classes) {
        throw DataError(file, "", "outputs " + data::shapeText(out.sizes().vec()) + " for a batch of 2, but the dataset has " +
                                      std::to_string(classes) + " classes (expected 2x" + std::to_string(classes) + ")");
    }
    impl->script->train();
    return Model(impl);
}

const std::string& Model::arch() const { return impl_->arch; }
const std::vector<std::int64_t>& Model::inputShape() const { return impl_->inputShape; }
std::int64_t Model::classes() const { return impl_->classes; }

at::Tensor Model::forward(const at::Tensor& batch) const {
    if (impl_->script) return impl_->script->forward({batch}).toTensor();
    if (!impl_->activationHook) return impl_->network->forward(batch);
    at::Tensor x = impl_->activationHook(0, batch);
    std::size_t index = 0, point = 0;
    for (auto& layer : *impl_->network) {
        if (auto* block = layer.ptr()->as<ResidualBlock>()) {
            block->setPointHook([&](const at::Tensor& inner) { return impl_->activationHook(++point, inner); });
            x = layer.forward(x);
            block->setPointHook({});
        } else {
            x = layer.forward(x);
        }
        if (impl_->groupEnds[index++]) x = impl_->activationHook(++point, x);
    }
    return x;
}

// A layer group ends after a layer unless BatchNorm or an activation follows (they fuse into it on a device), or
// the layer only moves values without making new ones (flatten, max pooling).
std::vector<bool> layerGroupEnds(torch::nn::Sequential& network) {
    std::vector<bool> ends;
    const auto children = network->children();
    auto fusesForward = [](const torch::nn::Module& m) {
        return m.as<torch::nn::BatchNorm2d>() || m.as<torch::nn::ReLU>() || m.as<torch::nn::ReLU6>();
    };
    for (std::size_t i = 0; i < children.size(); ++i) {
        const bool movesOnly = children[i]->as<torch::nn::Flatten>() || children[i]->as<torch::nn::MaxPool2d>();
        const bool nextFuses = i + 1 < children.size() && fusesForward(*children[i + 1]);
        ends.push_back(!movesOnly && !nextFuses);
    }
    return ends;
}

void Model::setActivationHook(ActivationHook hook) {
    if (impl_->script && hook) throw Error("activation hooks need a built-in architecture, not " + arch());
    if (impl_->groupEnds.empty() && !impl_->script) impl_->groupEnds = layerGroupEnds(impl_->network);
    impl_->activationHook = std::move(hook);
}

std::size_t Model::activationPointCount() const {
    if (impl_->script) return 0;
    if (impl_->groupEnds.empty()) impl_->groupEnds = layerGroupEnds(impl_->network);
    std::size_t inner = 0;
    for (const auto& layer : impl_->network->children()) {
        if (const auto* block = layer->as<ResidualBlock>()) inner += block->innerPoints();
    }
    return 1 + inner + static_cast<std::size_t>(std::count(impl_->groupEnds.begin(), impl_->groupEnds.end(), true));
}

std::vector<at::Tensor> Model::parameters() const {
    if (impl_->script) {
        std::vector<at::Tensor> out;
        for (const auto& p : impl_->script->parameters()) out.push_back(p);
        return out;
    }
    return impl_->network->parameters();
}

std::vector<at::Tensor> Model::state() const {
    std::vector<at::Tensor> out;
    if (impl_->script) {
        for (const auto& p : impl_->script->parameters()) out.push_back(p);
        for (const auto& b : impl_->script->buffers()) out.push_back(b);
        return out;
    }
    for (const auto& p : impl_->network->parameters()) out.push_back(p);
    for (const auto& b : impl_->network->buffers()) out.push_back(b);
    return out;
}

void Model::loadState(const std::vector<at::Tensor>& snapshot) {
    torch::NoGradGuard noGrad;
    const auto mine = state();
    if (mine.size() != snapshot.size()) throw Error("weights snapshot does not match the model " + arch());
    for (std::size_t i = 0; i < mine.size(); ++i) mine[i].copy_(snapshot[i]);
}

void Model::setTraining(bool training) {
    if (impl_->script) impl_->script->train(training);
    else impl_->network->train(training);
}

ModelStats Model::stats() const {
    ModelStats stats;
    for (const auto& p : parameters()) stats.params += p.numel();
    for (const auto& t : state()) {
        if (t.is_floating_point()) stats.bytesFp32 += t.numel() * 4;
    }
    if (impl_->script) {
        stats.macsKnown = false;
        return stats;
    }
    stats.layers = describeLayers(impl_->network, impl_->inputShape);
    for (const auto& layer : stats.layers) stats.macs += layer.macs;
    return stats;
}

void Model::save(const std::filesystem::path& file) const {
    torch::serialize::OutputArchive archive;
    const auto tensors = state();
    for (std::size_t i = 0; i < tensors.size(); ++i) archive.write("t" + std::to_string(i), tensors[i]);
    if (!impl_->channelWidths.empty()) archive.write("channel_widths", c10::IValue(nlohmann::json(impl_->channelWidths).dump()));
    std::ostringstream bytes;
    archive.save_to(bytes);
    const std::string data = bytes.str();
    io::writeFileAtomically(file, data.data(), data.size());
}

// A model saved after channel pruning is narrower than its architecture builds: narrow this one the same way
// (which channels survive does not matter, the weights are overwritten next).
void Model::narrowToSavedWidths(torch::serialize::InputArchive& archive, const std::filesystem::path& file) {
    c10::IValue saved;
    if (!archive.try_read("channel_widths", saved)) return;
    std::map<std::string, std::vector<std::int64_t>> keep;
    try {
        const auto widths = nlohmann::json::parse(saved.toStringRef());
        for (const auto& layer : channelLayers(*this)) {
            if (!widths.contains(layer.name)) continue;
            const auto width = widths.at(layer.name).get<std::int64_t>();
            if (width < 1 || width > layer.weight.size(0)) throw DataError(file, layer.name, "channel width out of range");
            std::vector<std::int64_t> first(static_cast<std::size_t>(width));
            std::iota(first.begin(), first.end(), 0);
            keep[layer.name] = first;
        }
    } catch (const nlohmann::json::exception& e) {
        throw DataError(file, "channel_widths", e.what());
    }
    removeChannels(*this, keep);
}

void Model::load(const std::filesystem::path& file) {
    torch::serialize::InputArchive archive;
    try {
        archive.load_from(file.string());
    } catch (const c10::Error& e) {
        throw DataError(file, "", std::string("cannot read model weights: ") + e.what_without_backtrace());
    }
    narrowToSavedWidths(archive, file);
    auto tensors = state();
    std::vector<at::Tensor> loaded(tensors.size());
    for (std::size_t i = 0; i < tensors.size(); ++i) {
        if (!archive.try_read("t" + std::to_string(i), loaded[i]) || !loaded[i].sizes().equals(tensors[i].sizes())) {
            throw DataError(file, "tensor " + std::to_string(i), "does not match the " + arch() + " architecture");
        }
    }
    loadState(loaded);
}

}  // namespace tinyforge::core::models
