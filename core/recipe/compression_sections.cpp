#include "core/recipe/compression_sections.h"

#include "core/compress/kmeans1d.h"
#include "core/error.h"

namespace tinyforge::core::recipe {

namespace {

using nlohmann::json;

// Fine-tuning starts from trained weights: a tenth of the run's learning rate, a hundredth where shared centroids
// train (Adam moves each centroid about lr a step whatever its gradient, and a centroid carries many weights).
train::TrainSettings phaseDefaults(const train::TrainSettings& shared, int epochs, double lrDivisor) {
    train::TrainSettings t = shared;
    t.epochs = epochs;
    t.learningRate = shared.learningRate / lrDivisor;
    t.earlyStopPatience = 0;
    return t;
}

train::TrainSettings phaseTrain(JsonFields& f, const std::string& path, const std::string& file,
                                const train::TrainSettings& defaults) {
    const json& value = f.object("train");
    return value.is_null() ? defaults : parseTrainSection(value, path + ".train", file, defaults);
}

compress::PruneSettings parsePrune(JsonFields f, const std::string& file, const train::TrainSettings& shared) {
    compress::PruneSettings p;
    p.enabled = f.flag("enabled", true);
    auto& s = p.schedule;
    s.final = f.number("final_sparsity", 0.9, 0, 0.999);
    s.initial = f.number("initial_sparsity", 0.0, 0, 0.999);
    if (s.initial > s.final) f.fail("initial_sparsity", "must not exceed final_sparsity");
    s.begin = f.integer("begin_step", 0, 0, INT64_MAX / 4);
    s.interval = f.integer("interval", 100, 1, INT64_MAX / 4);
    s.count = f.integer("updates", 10, 1, 1000000);
    s.exponent = f.number("exponent", 3.0, 0, 100, true);
    p.global = f.choice("scope", "layer", {"layer", "global"}) == "global";
    p.exclude = f.textList("exclude");
    p.layerFinal = f.numberMap("layers", 0, 0.999);
    p.jointWithDistillation = f.flag("joint", false);
    p.train = phaseTrain(f, "prune", file, phaseDefaults(shared, 5, 10));
    f.rejectUnknown();
    return p;
}

compress::ChannelPruneSettings parseChannels(JsonFields f, const std::string& file, const train::TrainSettings& shared) {
    compress::ChannelPruneSettings c;
    c.enabled = f.flag("enabled", true);
    c.norm = f.choice("norm", "l1", {"l1", "l2"});
    c.ratio = f.number("ratio", 0.5, 0, 0.99);
    c.layerRatio = f.numberMap("layers", 0, 0.99);
    c.exclude = f.textList("exclude");
    c.train = phaseTrain(f, "prune_channels", file, phaseDefaults(shared, 5, 10));
    f.rejectUnknown();
    return c;
}

compress::ClusterSettings parseCluster(JsonFields f, const std::string& file, const train::TrainSettings& shared,
                                       bool& huffman) {
    compress::ClusterSettings c;
    c.enabled = f.flag("enabled", true);
    c.clusters = static_cast<int>(f.integer("clusters", 16, 2, 256));
    c.init = f.choice("init", "linear", {"linear", "random", "density", "kmeans++"});
    c.exclude = f.textList("exclude");
    for (const auto& [name, k] : f.numberMap("layers", 2, 256)) c.layerClusters[name] = static_cast<int>(k);
    huffman = f.flag("huffman", false);
    c.train = phaseTrain(f, "cluster", file, phaseDefaults(shared, 3, 100));
    f.rejectUnknown();
    return c;
}

compress::QuantizeSettings parseQuantize(JsonFields f, const std::string& file, const train::TrainSettings& shared) {
    compress::QuantizeSettings q;
    q.enabled = f.flag("enabled", true);
    q.mode = f.choice("mode", "ptq", {"ptq", "qat"});
    q.weightBits = static_cast<int>(f.integer("weight_bits", 8, 2, 8));
    q.activationBits = static_cast<int>(f.integer("activation_bits", 8, 2, 8));
    q.calibration = f.choice("calibration", "minmax", {"minmax", "percentile"});
    q.percentile = f.number("percentile", 99.99, 50, 100);
    q.calibrationSamples = static_cast<int>(f.integer("calibration_samples", 2048, 1, 1000000));
    q.noise = f.number("noise", 0.0, 0, 1);
    q.train = phaseTrain(f, "quantize", file, phaseDefaults(shared, 2, 100));
    f.rejectUnknown();
    return q;
}

}  // namespace

compress::CompressionSettings parseCompression(JsonFields& top, const std::string& file,
                                               const train::TrainSettings& train) {
    compress::CompressionSettings c;
    if (const json& channels = top.object("prune_channels"); !channels.is_null()) {
        c.channels = parseChannels(JsonFields(channels, "prune_channels", file), file, train);
    }
    if (const json& prune = top.object("prune"); !prune.is_null()) c.prune = parsePrune(JsonFields(prune, "prune", file), file, train);
    if (const json& cluster = top.object("cluster"); !cluster.is_null()) {
        c.cluster = parseCluster(JsonFields(cluster, "cluster", file), file, train, c.huffman);
    }
    if (const json& quantize = top.object("quantize"); !quantize.is_null()) {
        c.quantize = parseQuantize(JsonFields(quantize, "quantize", file), file, train);
    }
    if (c.channels.enabled && c.prune.enabled && c.prune.jointWithDistillation) {
        JsonFields(top.object("prune"), "prune", file)
            .fail("joint", "joint pruning trains a fresh student, so it cannot follow channel pruning of the distilled one; "
                           "set prune.joint to false or switch prune_channels off");
    }
    return c;
}

}  // namespace tinyforge::core::recipe
