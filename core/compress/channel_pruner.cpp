#include "core/compress/channel_pruner.h"

#include <torch/torch.h>

#include <cmath>

#include "core/error.h"
#include "core/models/channel_surgery.h"

namespace tinyforge::core::compress {

namespace {

void checkNames(const std::vector<models::ChannelLayer>& layers, const std::vector<std::string>& names, const std::string& field) {
    for (const auto& name : names) {
        if (std::any_of(layers.begin(), layers.end(), [&](const auto& l) { return l.name == name; })) continue;
        std::string known;
        for (const auto& l : layers) known += (known.empty() ? "" : ", ") + l.name;
        throw SettingsError("channels." + field + ": '" + name + "' cannot lose channels (layers that can: " + known + ")");
    }
}

}  // namespace

std::map<std::string, std::vector<std::int64_t>> chooseChannels(const models::Model& model, const ChannelPruneSettings& settings) {
    if (settings.norm != "l1" && settings.norm != "l2") throw SettingsError("channels.norm must be l1 or l2, not " + settings.norm);
    const auto layers = models::channelLayers(model);
    std::vector<std::string> named;
    for (const auto& [name, ratio] : settings.layerRatio) named.push_back(name);
    checkNames(layers, named, "layers");
    checkNames(layers, settings.exclude, "exclude");
    std::map<std::string, std::vector<std::int64_t>> keep;
    torch::NoGradGuard noGrad;
    for (const auto& layer : layers) {
        if (std::find(settings.exclude.begin(), settings.exclude.end(), layer.name) != settings.exclude.end()) continue;
        const auto found = settings.layerRatio.find(layer.name);
        const double ratio = found != settings.layerRatio.end() ? found->second : settings.ratio;
        const std::int64_t channels = layer.weight.size(0);
        const auto kept = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil((1.0 - ratio) * static_cast<double>(channels) - 1e-9)));
        if (kept >= channels) continue;
        const auto rows = layer.weight.detach().flatten(1);
        const auto norms = settings.norm == "l1" ? rows.abs().sum(1) : rows.pow(2).sum(1).sqrt();
        // Stable ranking: equal norms keep the lower index, so the choice is reproducible.
        const auto order = std::get<1>(norms.sort(/*stable=*/true, 0, /*descending=*/true));
        const auto chosen = std::get<0>(order.slice(0, 0, kept).sort(0)).contiguous();
        const auto* first = chosen.data_ptr<std::int64_t>();
        keep[layer.name] = std::vector<std::int64_t>(first, first + kept);
    }
    return keep;
}

std::vector<ChannelChange> pruneChannels(models::Model& model, const ChannelPruneSettings& settings) {
    const auto keep = chooseChannels(model, settings);
    std::vector<ChannelChange> changes;
    for (const auto& layer : models::channelLayers(model)) {
        if (const auto k = keep.find(layer.name); k != keep.end()) {
            changes.push_back({layer.name, layer.weight.size(0), static_cast<std::int64_t>(k->second.size())});
        }
    }
    models::removeChannels(model, keep);
    return changes;
}

}  // namespace tinyforge::core::compress
