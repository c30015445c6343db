#pragma once
// The recipe's "prune", "cluster" and "quantize" sections. Schema and meaning: docs/compression.md.

#include <map>
#include <string>
#include <vector>

#include "core/compress/sparsity_schedule.h"
#include "core/train/train_settings.h"

namespace tinyforge::core::compress {

struct PruneSettings {
    bool enabled = false;
    SparsitySchedule schedule;           ///< steps count from the start of the phase it runs in
    bool global = false;                 ///< one magnitude threshold over all layers instead of one per layer
    std::vector<std::string> exclude;    ///< layer names left dense
    std::map<std::string, double> layerFinal;  ///< per-layer final sparsity (scales that layer's curve)
    bool jointWithDistillation = false;  ///< prune while distilling the student instead of in a phase after it
    train::TrainSettings train;          ///< the pruning phase's fine-tuning
};

/// Structured pruning: whole filters (and hidden units) with the smallest norms go, leaving a smaller dense model.
struct ChannelPruneSettings {
    bool enabled = false;
    std::string norm = "l1";            ///< "l1" or "l2": the norm of each filter's weights that ranks it
    double ratio = 0.5;                 ///< share of each layer's channels removed
    std::map<std::string, double> layerRatio;  ///< per-layer share
    std::vector<std::string> exclude;   ///< layers left whole
    train::TrainSettings train;         ///< fine-tuning of the narrowed model (BatchNorm still trains)
};

struct ClusterSettings {
    bool enabled = false;
    int clusters = 16;
    std::map<std::string, int> layerClusters;  ///< per-layer cluster count
    std::string init = "linear";         ///< linear, random, density, kmeans++
    std::vector<std::string> exclude;
    train::TrainSettings train;          ///< fine-tuning of the shared centroids
};

struct QuantizeSettings {
    bool enabled = false;
    std::string mode = "ptq";            ///< "ptq" (calibrate only) or "qat" (fine-tune with fake quantization)
    int weightBits = 8;                  ///< 2..8: symmetric per output channel (per layer when clustered)
    int activationBits = 8;              ///< affine per tensor
    std::string calibration = "minmax";  ///< "minmax" or "percentile"
    double percentile = 99.99;           ///< for "percentile": the range covers this share of each activation
    int calibrationSamples = 2048;       ///< training samples used to calibrate activation ranges
    double noise = 0.0;                  ///< QAT quantization noise (Fan et al. 2020): share of weight blocks quantized per pass; 0 = all
    train::TrainSettings train;          ///< the QAT phase's fine-tuning
};

struct CompressionSettings {
    ChannelPruneSettings channels;
    PruneSettings prune;
    ClusterSettings cluster;
    QuantizeSettings quantize;
    bool huffman = false;  ///< count Huffman-coded cluster indices in the deployed size
    bool any() const { return channels.enabled || prune.enabled || cluster.enabled || quantize.enabled; }
};

}  // namespace tinyforge::core::compress
