#pragma once
// What a model costs: parameters, multiply-accumulates per inference, fp32 bytes, and a per-layer table.

#include <cstdint>
#include <string>
#include <vector>

namespace tinyforge::core::models {

struct LayerInfo {
    std::string name;                       ///< "stage2_block1", "fc"
    std::string type;                       ///< "Conv2d", "DepthwiseConv2d", "Linear", "ResidualBlock", ...
    std::vector<std::int64_t> outputShape;  ///< per sample (no batch dimension)
    std::int64_t params = 0;
    std::int64_t macs = 0;                  ///< multiply-accumulates for one sample
};

struct ModelStats {
    std::int64_t params = 0;
    std::int64_t macs = 0;
    std::int64_t bytesFp32 = 0;  ///< parameters and buffers (BatchNorm statistics) as 32-bit floats
    bool macsKnown = true;       ///< false for imported TorchScript, whose layers the studio cannot see
    std::vector<LayerInfo> layers;
};

}  // namespace tinyforge::core::models
