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
    p.enabled = f.flag("enabled");
    auto& s = p.schedule;
    s.final = f.number("final_sparsity");
    s.initial = f.number("initial_sparsity");
    if (s.initial > s.final) f.fail("initial_sparsity", "must not exceed final_sparsity");
    s.begin = f.integer("begin_step");
    s.interval = f.integer("interval");
    s.count = f.integer("updates");
    s.exponent = f.number("exponent");
    p.global = f.choice("scope") == "global";
    p.exclude = f.textList("exclude");
    p.layerFinal = f.numberMap("layers");
    p.jointWithDistillation = f.flag("joint");
    p.train = phaseTrain(f, "prune", file, phaseDefaults(shared, 5, 10));
    f.rejectUnknown();
    return p;
}

compress::ChannelPruneSettings parseChannels(JsonFields f, const std::string& file, const train::TrainSettings& shared) {
    compress::ChannelPruneSettings c;
    c.enabled = f.flag("enabled");
    c.norm = f.choice("norm");
    c.ratio = f.number("ratio");
    c.layerRatio = f.numberMap("layers");
    c.exclude = f.textList("exclude");
    c.train = phaseTrain(f, "prune_channels", file, phaseDefaults(shared, 5, 10));
    f.rejectUnknown();
    return c;
}

compress::ClusterSettings parseCluster(JsonFields f, const std::string& file, const train::TrainSettings& shared,
                                       bool& huffman) {
    compress::ClusterSettings c;
    c.enabled = f.flag("enabled");
    c.clusters = static_cast<int>(f.integer("clusters"));
    c.init = f.choice("init");
    c.exclude = f.textList("exclude");
    for (const auto& [name, k] : f.numberMap("layers")) c.layerClusters[name] = static_cast<int>(k);
    huffman = f.flag("huffman");
    c.train = phaseTrain(f, "cluster", file, phaseDefaults(shared, 3, 100));
    f.rejectUnknown();
    return c;
}

compress::QuantizeSettings parseQuantize(JsonFields f, const std::string& file, const train::TrainSettings& shared) {
    compress::QuantizeSettings q;
    q.enabled = f.flag("enabled");
    q.mode = f.choice("mode");
    q.weightBits = static_cast<int>(f.integer("weight_bits"));
    q.activationBits = static_cast<int>(f.integer("activation_bits"));
    q.calibration = f.choice("calibration");
    q.percentile = f.number("percentile");
    q.calibrationSamples = static_cast<int>(f.integer("calibration_samples"));
    q.noise = f.number("noise");
    q.train = phaseTrain(f, "quantize", file, phaseDefaults(shared, 2, 100));
    f.rejectUnknown();
    return q;
}

}  // namespace

compress::CompressionSettings parseCompression(JsonFields& top, const std::string& file,
                                               const train::TrainSettings& train) {
    compress::CompressionSettings c;
    if (const json& channels = top.object("prune_channels"); !channels.is_null()) {
        c.channels = parseChannels(JsonFields(channels, "prune_channels", file, "prune_channels"), file, train);
    }
    if (const json& prune = top.object("prune"); !prune.is_null()) c.prune = parsePrune(JsonFields(prune, "prune", file, "prune"), file, train);
    if (const json& cluster = top.object("cluster"); !cluster.is_null()) {
        c.cluster = parseCluster(JsonFields(cluster, "cluster", file, "cluster"), file, train, c.huffman);
    }
    if (const json& quantize = top.object("quantize"); !quantize.is_null()) {
        c.quantize = parseQuantize(JsonFields(quantize, "quantize", file, "quantize"), file, train);
    }
    if (c.channels.enabled && c.prune.enabled && c.prune.jointWithDistillation) {
        JsonFields(top.object("prune"), "prune", file, "prune")
            .fail("joint", "joint pruning trains a fresh student, so it cannot follow channel pruning of the distilled one; "
                           "set prune.joint to false or switch prune_channels off");
    }
    return c;
}

}  // namespace tinyforge::core::recipe
